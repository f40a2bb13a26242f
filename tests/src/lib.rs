//! Harness for end-to-end tests: the real server on a free port with a throwaway database, and
//! Chromium driven through chromedriver at a phone's size.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tongban_server::auth::sms::DevLogSender;
use tongban_server::{Config, RunningServer};

/// The phone viewport every page is designed and tested at first.
pub const PHONE: (u32, u32) = (360, 640);

/// The built PWA: `TONGBAN_WEB_DIST` (set by `cargo xtask test`) or `web/dist`.
pub fn web_dist() -> PathBuf {
    let dist = std::env::var_os("TONGBAN_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/dist"));
    assert!(
        dist.join("index.html").is_file() && dist.join("pkg/tongban_web_bg.wasm").is_file(),
        "the PWA is not built at {}: run these tests with `cargo xtask test` (it builds the PWA first)",
        dist.display()
    );
    dist
}

/// The server with a new SQLite database, serving the built PWA; login codes go to the
/// development sender, where tests read them as a developer reads the log.
pub struct TestApp {
    pub server: Option<RunningServer>,
    /// The demo host super-app framing the app, when started with one.
    pub demo_host: Option<tongban_server::demo_host::RunningDemoHost>,
    pub base_url: String,
    pub sms: DevLogSender,
    config: Config,
    _data: tempfile::TempDir,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Started with the demo host super-app registered as `demo` and serving on its own origin
    /// (another port of 127.0.0.1).
    pub async fn start_with_demo_host() -> Self {
        let demo =
            tongban_server::demo_host::DemoHost::bind("127.0.0.1:0".parse().unwrap(), "demo")
                .await
                .unwrap();
        let entry = demo.entry();
        let mut app = Self::start_with(move |c| c.hosts.push(entry)).await;
        app.demo_host = Some(demo.serve(&app.base_url, "tongban"));
        app
    }

    /// Started with a configuration changed by `tweak` (shorter limits for a test).
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", data.path().join("tongban.db").display());
        let mut config = Config::for_tests(url, web_dist());
        config.object_dir = data.path().join("objects");
        tweak(&mut config);
        let sms = DevLogSender::default();
        let mut services = config.services().expect("development services");
        services.sms = std::sync::Arc::new(sms.clone());
        let server = tongban_server::start_with(config.clone(), services)
            .await
            .expect("server starts");
        let base_url = server.base_url();
        config.addr = server.local_addr();
        Self {
            server: Some(server),
            demo_host: None,
            base_url,
            sms,
            config,
            _data: data,
        }
    }

    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("the server is running")
    }

    /// Logs in through the app's login page as a person would, reading the texted code from the
    /// development sender.
    pub async fn log_in(&self, browser: &Browser, phone: &str) -> anyhow::Result<()> {
        browser.type_into("#phone", phone).await?;
        browser.click("form button[type=submit]").await?;
        browser
            .wait_until("return !!document.getElementById('code')", "the code field")
            .await?;
        browser.screenshot("login-code").await?;
        let code = self
            .sms
            .last_code(phone)
            .context("the development sender got no code")?;
        browser.type_into("#code", &code).await?;
        browser.click("form button[type=submit]").await?;
        browser
            .wait_until(
                "return location.pathname !== '/login'",
                "leaving the login page",
            )
            .await
    }

    /// Starts the server again at the same address, on the same database.
    pub async fn restart_server(&mut self) {
        assert!(self.server.is_none(), "the server is running");
        let mut services = self.config.services().expect("development services");
        services.sms = std::sync::Arc::new(self.sms.clone());
        let server = tongban_server::start_with(self.config.clone(), services)
            .await
            .expect("server restarts");
        self.server = Some(server);
    }

    /// Stops the server: the browser is now offline as far as the app can tell.
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
    }
}

/// Chromium under chromedriver, closed (and the driver killed) when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    _owned_profile: Option<tempfile::TempDir>,
}

impl Browser {
    /// A new headless Chromium with a fresh profile, a 360×640 phone viewport and the given
    /// browser languages (most preferred first).
    pub async fn phone(languages: &str) -> anyhow::Result<Self> {
        Self::with_viewport(languages, PHONE).await
    }

    /// A new headless Chromium with a fresh profile and a viewport of `size` CSS px.
    pub async fn with_viewport(languages: &str, size: (u32, u32)) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let path = profile.path().to_owned();
        let mut browser = Self::launch(languages, size, path, &[]).await?;
        browser._owned_profile = Some(profile);
        Ok(browser)
    }

    /// A phone-sized Chromium over the profile folder `profile` (kept by the caller), as the
    /// same browser is started again after it was closed or killed.
    pub async fn phone_with_profile(profile: &std::path::Path) -> anyhow::Result<Self> {
        Self::launch("zh-CN,zh", PHONE, profile.to_owned(), &[]).await
    }

    /// A phone whose camera films `video` (a Y4M file) over and over, allowed without asking.
    pub async fn phone_with_camera(video: &std::path::Path) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let args = [
            "--use-fake-ui-for-media-stream".to_owned(),
            "--use-fake-device-for-media-stream".to_owned(),
            format!("--use-file-for-fake-video-capture={}", video.display()),
        ];
        let mut browser = Self::launch("zh-CN,zh", PHONE, profile.path().to_owned(), &args).await?;
        browser._owned_profile = Some(profile);
        Ok(browser)
    }

    async fn launch(
        languages: &str,
        size: (u32, u32),
        profile: PathBuf,
        extra_args: &[String],
    ) -> anyhow::Result<Self> {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!("cannot start {chromedriver}: install `chromium chromium-driver` (apt) or set CHROMEDRIVER")
            })?;
        let first_language = languages.split(',').next().unwrap_or("zh-CN");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ]
        .map(str::to_owned)
        .into();
        args.push(format!("--lang={first_language}"));
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra_args.iter().cloned());
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": { "intl.accept_languages": languages },
                "mobileEmulation": {
                    "deviceMetrics": { "width": size.0, "height": size.1, "pixelRatio": 2.0, "touch": true }
                }
            }
        });
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => anyhow::bail!("cannot open a Chromium session through chromedriver: {e}"),
            }
        };
        Ok(Self {
            client,
            driver,
            profile,
            _owned_profile: None,
        })
    }

    /// Kills the browser as the system would (SIGKILL, no chance to save anything), and its
    /// driver. Its profile folder stays.
    pub async fn kill_hard(mut self) {
        let pattern = format!("--user-data-dir={}", self.profile.display());
        let pids = processes_with_arg(&pattern);
        if !pids.is_empty() {
            let list: Vec<String> = pids.iter().map(|p| p.to_string()).collect();
            // The shell's own `kill`: nothing beyond a POSIX shell is needed.
            let _ = Command::new("sh")
                .args(["-c", &format!("kill -9 {}", list.join(" "))])
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let started = Instant::now();
        while !processes_with_arg(&pattern).is_empty()
            && started.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Starts recording console errors and uncaught exceptions in the page (until it reloads);
    /// `errors` returns them.
    pub async fn record_errors(&self) -> anyhow::Result<()> {
        self.eval(
            "if (!window.__errors) {
               window.__errors = [];
               const original = console.error;
               console.error = function (...args) {
                 window.__errors.push(args.map(String).join(' '));
                 return original.apply(console, args);
               };
               window.addEventListener('error', (e) => window.__errors.push('uncaught: ' + (e.error || e.message)));
               window.addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled: ' + e.reason));
             }
             return true",
        )
        .await?;
        Ok(())
    }

    /// What `record_errors` caught (the first few, shortened), and whether the app's "something went wrong" notice shows.
    pub async fn errors(&self) -> anyhow::Result<Vec<String>> {
        let value = self
            .eval(
                "const e = (window.__errors || []).slice(0, 5).map(s => s.slice(0, 300));
                 if (document.getElementById('app-crash')) e.push('the crash notice is shown');
                 return e",
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Waits until `css` matches, then returns the text of every match as a person sees it
    /// (without the invisible Unicode isolation marks Fluent puts around placeholders).
    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("nothing matched {css:?}"))?;
        let mut out = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            out.push(element.text().await?.replace(['\u{2068}', '\u{2069}'], ""));
        }
        Ok(out)
    }

    /// Types `text` into the field matching `css` (after what is already there).
    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no field {css:?}"))?
            .send_keys(text)
            .await?;
        Ok(())
    }

    /// The path and query of the page the browser shows.
    pub async fn path(&self) -> anyhow::Result<String> {
        let value = self
            .eval("return location.pathname + location.search")
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Saves what the screen shows to `target/screenshots/<name>.png`, for a person to look at.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&shots)?;
        std::fs::write(
            shots.join(format!("{name}.png")),
            self.client.screenshot().await?,
        )?;
        Ok(())
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// Clicks `css` from the page itself (the same click event a tap makes). For elements where
    /// ChromeDriver's pointer lands beside them: on the long, care-mode mandates page it clicked
    /// the container below a button after scrolling (see #19's note).
    pub async fn tap(&self, css: &str) -> anyhow::Result<()> {
        let script = format!("document.querySelector({css:?}).click(); return true");
        self.eval(&script).await?;
        Ok(())
    }

    /// Types `query` into the app's search box and returns the result names, best first.
    pub async fn search(&self, query: &str) -> anyhow::Result<Vec<String>> {
        // The box appears once the app has started (later offline, from the service worker).
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#search-input"))
            .await?
            .send_keys(query)
            .await?;
        self.wait_until(
            "return !!document.querySelector('.results li.matter')",
            "search results",
        )
        .await?;
        self.texts(".results li.matter h3").await
    }

    /// Evaluates a script in the page and returns its value.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Polls a script until it returns `true`.
    pub async fn wait_until(&self, script: &str, what: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if self.eval(script).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("timed out waiting for {what}")
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The processes (Linux `/proc`) started with `arg` among their arguments.
fn processes_with_arg(arg: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| c.split(|b| *b == 0).any(|a| a == arg.as_bytes()))
                .unwrap_or(false)
        })
        .collect()
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Answers every empty question on the page the way a careful person would; documents are
/// uploaded as small JPEG files (through the page's own file input).
pub const FILL_PAGE: &str = r#"
// A real 8×8 JPEG (the server refuses files that are not pictures it can read).
const PHOTO = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSgBBwcHCggKEwoKEygaFhooKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKP/AABEIAAgACAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AOXr9FPmD//Z';
const main = document.querySelector('main');
const fire = (el) => { el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); };
for (const fs of main.querySelectorAll('fieldset.choice-field')) {
  const radios = [...fs.querySelectorAll('input[type=radio]')];
  if (radios.length && !radios.some(r => r.checked)) radios[0].click();
  const boxes = [...fs.querySelectorAll('input[type=checkbox]')];
  if (boxes.length && !boxes.some(r => r.checked)) boxes[0].click();
}
for (const el of main.querySelectorAll('.form-field > input, .form-field > textarea')) {
  if (el.value) continue;
  const label = (document.querySelector('label[for="' + el.id + '"]') || {}).textContent || '';
  let v = '测试';
  if (el.tagName === 'TEXTAREA') v = '浙江省杭州市西湖区文三路 1 号';
  else if (el.type === 'date') v = '2020-01-01';
  else if (el.inputMode === 'tel') v = '13800138000';
  else if (el.inputMode === 'decimal') v = '1';
  else if (el.inputMode === 'numeric') v = '330106';
  else if (label.includes('信用代码')) v = '91350100M000100Y43';
  else if (el.maxLength === 18) v = '330106198503120028';
  el.value = v; fire(el);
}
for (const fs of main.querySelectorAll('fieldset.material')) {
  if (fs.querySelector('.material-state')) continue;
  const input = fs.querySelector('input[type=file]');
  const dt = new DataTransfer();
  dt.items.add(new File([Uint8Array.from(atob(PHOTO), c => c.charCodeAt(0))], 'scan.jpg', {type: 'image/jpeg'}));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', {bubbles: true}));
}
return true;
"#;

/// Every document on the page shows it is uploaded (or promised).
pub const MATERIALS_DONE: &str = "return [...document.querySelectorAll('fieldset.material')].every(f => f.querySelector('.material-state'))";

pub fn step_of(path: &str) -> String {
    path.split("step=").nth(1).unwrap_or("").to_owned()
}

pub async fn next_page(browser: &Browser) {
    let before = browser.path().await.unwrap();
    browser.eval(FILL_PAGE).await.unwrap();
    browser
        .wait_until(MATERIALS_DONE, "documents uploaded")
        .await
        .unwrap();
    browser
        .click("main form button[type=submit]")
        .await
        .unwrap();
    let script = format!("return location.pathname + location.search !== {before:?}");
    browser.wait_until(&script, "the next page").await.unwrap();
}

/// The axe-core rules every page must pass: WCAG 2.0, 2.1 and 2.2, levels A and AA.
pub const WCAG_AA: &str =
    "{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }";

/// axe-core's source (`AXE_JS`, fetched by `cargo xtask test`).
pub fn axe_source() -> String {
    let path = std::env::var("AXE_JS").expect(
        "AXE_JS is not set: run the browser tests with `cargo xtask test`, which fetches axe-core",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read axe-core at {path}: {e}"))
}

/// Violations as `rule: count (first targets)`.
pub async fn axe(browser: &Browser, source: &str, run_only: &str) -> Vec<String> {
    let present = browser
        .eval("return typeof axe !== 'undefined'")
        .await
        .unwrap();
    if present != serde_json::Value::Bool(true) {
        browser
            .client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .unwrap();
    }
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {run_only}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length + ' (' +
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')))
           .catch(e => done(['axe failed: ' + e]));"
    );
    let result = browser.client.execute_async(&script, vec![]).await.unwrap();
    serde_json::from_value(result).unwrap()
}

/// Opens the application form of `matter` at its first page; `prefix` is empty, or
/// `/for/{mandate}` when acting for someone.
pub async fn open_form(app: &TestApp, browser: &Browser, prefix: &str, matter: &str) {
    browser
        .client
        .goto(&format!("{}{prefix}/apply/{matter}", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until("return location.search.includes('step=0')", "the form")
        .await
        .unwrap();
}

/// The wallet page, once the person's certificates are collected to this device.
pub async fn open_wallet(app: &TestApp, phone: &Browser) {
    phone
        .client
        .goto(&format!("{}/wallet", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until("return !!document.querySelector('.show-make')", "collected")
        .await
        .unwrap();
}

/// Answers the remaining form pages until the check-answers page.
pub async fn fill_to_check_answers(browser: &Browser) {
    while step_of(&browser.path().await.unwrap()) != "check" {
        next_page(browser).await;
    }
}

/// On the check-answers page: taps "submit" twice, quickly (as an impatient thumb does), and
/// waits for the receipt.
pub async fn submit_twice(browser: &Browser) {
    browser
        .eval("const b = [...document.querySelectorAll('main button')].find(b => b.textContent.includes('确认提交')); b.click(); b.click(); return true")
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.body.textContent.includes('申请已提交')",
            "the receipt",
        )
        .await
        .unwrap();
}

/// A person logged in on a phone, identity verified, care mode on (for their next page).
pub async fn verified_person(app: &TestApp, phone: &str, name: &str, id_number: &str) -> Browser {
    let browser = Browser::phone("zh-CN,zh").await.unwrap();
    browser
        .client
        .goto(&format!("{}/login?next=%2Faccount", app.base_url))
        .await
        .unwrap();
    app.log_in(&browser, phone).await.unwrap();
    browser.type_into("#name", name).await.unwrap();
    browser.type_into("#id-number", id_number).await.unwrap();
    browser
        .click("section[aria-labelledby=verify-heading] button[type=submit]")
        .await
        .unwrap();
    browser
        .wait_until(
            "return [...document.querySelectorAll('.glance dd')].some(d => d.textContent.includes('已实名认证'))",
            "the verified level",
        )
        .await
        .unwrap();
    browser
        .eval("localStorage.setItem('tongban.care', '1'); return true")
        .await
        .unwrap();
    browser
}

/// The password of the staff members tests add.
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// Adds a staff member of `department` with `role` (password `STAFF_PASSWORD`).
pub async fn add_staff(
    app: &TestApp,
    username: &str,
    department: &str,
    role: tongban_core::case::StaffRole,
) {
    let hash = tongban_server::auth::password::hash_password(STAFF_PASSWORD).unwrap();
    app.server()
        .db()
        .put_staff(tongban_server::store::NewStaff::new(
            username, username, department, role, &hash,
        ))
        .await
        .unwrap();
}

/// Makes one move on the workbench's case page (with `message` for the person, when not
/// empty) and waits until it is done.
pub async fn make_move(desk: &Browser, status: &str, message: &str) {
    desk.texts(&format!("#move-{status}")).await.unwrap();
    desk.click(&format!("#move-{status}")).await.unwrap();
    if !message.is_empty() {
        desk.type_into("#move-message", message).await.unwrap();
    }
    desk.click("#move-submit").await.unwrap();
    desk.wait_until(
        &format!("return !!document.getElementById('case-done') && !document.getElementById('move-{status}')"),
        &format!("the move to {status}"),
    )
    .await
    .unwrap();
}

/// On the workbench's case page, "需要补正" already chosen: asks again for the field whose
/// checkbox is `ask` (CSS), telling the person `message`, and waits until it is asked.
pub async fn ask_supplement(desk: &Browser, ask: &str, message: &str) {
    desk.click(ask).await.unwrap();
    desk.type_into("#move-message", message).await.unwrap();
    desk.click("#move-submit").await.unwrap();
    desk.wait_until(
        "return document.getElementById('case-status').textContent.includes('需要补正')",
        "the supplement asked",
    )
    .await
    .unwrap();
}

/// A desktop browser logged in at the workbench as `username`.
pub async fn staff_desk(app: &TestApp, username: &str) -> Browser {
    let desk = Browser::with_viewport("zh-CN,zh", (1280, 800))
        .await
        .unwrap();
    desk.client
        .goto(&format!("{}/staff/", app.base_url))
        .await
        .unwrap();
    desk.type_into("#staff-username", username).await.unwrap();
    desk.type_into("#staff-password", STAFF_PASSWORD)
        .await
        .unwrap();
    desk.click("form.bench-login button[type=submit]")
        .await
        .unwrap();
    desk.wait_until("return !!document.querySelector('.bench-who')", "logged in")
        .await
        .unwrap();
    desk
}
