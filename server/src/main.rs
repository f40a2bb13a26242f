//! `tongban-server`: runs the API (and serves the built PWA) until Ctrl-C, or imports a catalog.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: tongban_server::Allocator = tongban_server::Allocator;

use clap::{Parser, Subcommand};
use tongban_server::seed::{import_catalog, ImportError};
use tongban_server::{store::Store, Config};

#[derive(Parser)]
#[command(
    name = "tongban-server",
    version,
    about = "Tongban's HTTP API and PWA host"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    /// Development: also serve a demo host super-app on this address (e.g. 127.0.0.1:8081) that
    /// frames Tongban and logs people in with signed tickets. Never in production.
    #[arg(long, env = "TONGBAN_DEMO_HOST")]
    demo_host: Option<std::net::SocketAddr>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a catalog file and, if valid, replace the database's catalog with it. Every problem
    /// is reported with its location; nothing changes unless the whole file is valid.
    ImportCatalog {
        /// The catalog file (format tongban-catalog/2).
        file: std::path::PathBuf,
        /// Only check the file; do not touch the database.
        #[arg(long)]
        check: bool,
    },
    /// Act as department staff on a running server: list applications, or move one along
    /// (accept, review, ask for a supplement, approve, refuse, complete). The password is read
    /// from TONGBAN_STAFF_PASSWORD, else from the first line of standard input.
    Staff {
        /// The running server.
        #[arg(long, env = "TONGBAN_URL", default_value = "http://127.0.0.1:8080")]
        server: String,
        #[arg(long)]
        username: String,
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Add a department staff member (or change one's password, name, department or role). The
    /// password is read from TONGBAN_STAFF_PASSWORD, else from the first line of standard input.
    AddStaff {
        /// The login name.
        #[arg(long)]
        username: String,
        /// The name shown to colleagues.
        #[arg(long)]
        display_name: String,
        /// The department's id in the catalog (e.g. 330100-mz); the staff member sees only its
        /// cases.
        #[arg(long)]
        department: String,
        /// clerk (受理: accept, ask for a supplement, forward), approver (approve, reject,
        /// complete) or supervisor (all, and reassigning and the department's numbers).
        #[arg(long, default_value = "clerk")]
        role: String,
    },
    /// Verify the audit log's hash chain: prints the number of entries and the head hash (note
    /// it down to detect a cut at the end later), or names the first entry that was changed,
    /// removed or inserted, and exits with status 1.
    VerifyAudit,
}

#[derive(Subcommand)]
enum StaffAction {
    /// Every application, newest first.
    List,
    /// Move an application to a new status.
    Move {
        /// The application's id (see `list`).
        id: String,
        /// accepted, in-review, supplement-requested, approved, rejected or completed.
        status: String,
        /// For a supplement: an answer to give again (repeatable), e.g. applicant.address.
        #[arg(long = "field")]
        fields: Vec<String>,
        /// What the department tells the person.
        #[arg(long, default_value = "")]
        message: String,
        /// For a refusal: not-eligible, materials-false, outside-scope, supplement-missing or
        /// other.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// The vault for a command: the configured keys; without any (and not in development) a
/// throwaway one, as the commands here (catalog import, staff, audit verification) read and
/// write no sealed column.
fn command_vault(config: &tongban_server::Config) -> anyhow::Result<tongban_server::vault::Vault> {
    if config.data_keys.is_empty() && config.lookup_key.is_none() && !config.dev {
        return Ok(tongban_server::vault::Vault::generate(
            tongban_server::vault::Algorithm::Aes256Gcm,
        ));
    }
    config.vault()
}

fn read_password() -> anyhow::Result<String> {
    Ok(match std::env::var("TONGBAN_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    })
}

async fn staff(server: String, username: String, action: StaffAction) -> anyhow::Result<ExitCode> {
    use tongban_core::application::{ApplicationStatus, StatusChange};
    let api = tongban_core::ApiClient::new(server).with_secret_store(std::sync::Arc::new(
        tongban_core::auth::MemorySecretStore::default(),
    ));
    let me = match api.staff_login(&username, &read_password()?).await {
        Ok(me) => me,
        Err(e) => {
            eprintln!("cannot log in as {username}: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match action {
        StaffAction::List => {
            for a in api.staff_applications().await? {
                println!(
                    "{}  {}  {:<22} {}",
                    a.id,
                    a.receipt,
                    a.status.code(),
                    a.form_id
                );
            }
        }
        StaffAction::Move {
            id,
            status,
            fields,
            message,
            reason,
        } => {
            let status = ApplicationStatus::from_code(&status)
                .ok_or_else(|| anyhow::anyhow!("unknown status {status:?}"))?;
            let app = match api
                .staff_move(
                    &id,
                    &StatusChange {
                        status,
                        message,
                        fields,
                        reason,
                    },
                )
                .await
            {
                Ok(app) => app,
                Err(e) => {
                    eprintln!("cannot move {id}: {e}");
                    let _ = api.staff_logout().await;
                    return Ok(ExitCode::FAILURE);
                }
            };
            println!(
                "{} is now {} ({})",
                app.receipt,
                app.status.code(),
                me.display_name
            );
        }
    }
    let _ = api.staff_logout().await;
    Ok(ExitCode::SUCCESS)
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        // Plain text when the log goes to a file or a collector, colours only on a terminal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        None => {
            let mut config = cli.config;
            let demo = match cli.demo_host {
                Some(addr) => {
                    let demo = tongban_server::demo_host::DemoHost::bind(addr, "demo").await?;
                    config.hosts.push(demo.entry());
                    Some(demo)
                }
                None => None,
            };
            let audience = config.host_audience.clone();
            let server = tongban_server::start(config).await?;
            println!(
                "Tongban is running at http://{}/ (Ctrl-C stops it)",
                server.local_addr()
            );
            let _demo = demo.map(|demo| {
                let running = demo.serve(&server.base_url(), &audience);
                println!(
                    "The demo host super-app is at {}/ (development only)",
                    running.origin
                );
                running
            });
            tokio::signal::ctrl_c().await?;
            println!("Stopping…");
            server.shutdown().await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Staff {
            server,
            username,
            action,
        }) => staff(server, username, action).await,
        Some(Command::AddStaff {
            username,
            display_name,
            department,
            role,
        }) => {
            let Some(role) = tongban_core::case::StaffRole::from_code(&role) else {
                eprintln!("unknown role {role:?}: clerk, approver or supervisor");
                return Ok(ExitCode::FAILURE);
            };
            let password = read_password()?;
            if password.chars().count() < 12 {
                eprintln!("the password must have at least 12 characters");
                return Ok(ExitCode::FAILURE);
            }
            let hash = tongban_server::auth::password::hash_password(&password)
                .map_err(anyhow::Error::msg)?;
            let db = Store::connect(&cli.config.database_url, command_vault(&cli.config)?).await?;
            db.migrate().await?;
            if cli.config.seed_demo {
                tongban_server::seed::seed_demo_catalog(&db).await?;
            }
            let Some(found) = db.department(&department).await? else {
                let known: Vec<String> =
                    db.departments().await?.into_iter().map(|d| d.id).collect();
                eprintln!(
                    "no department {department:?} in the catalog; the departments are: {}",
                    known.join(", ")
                );
                db.close().await;
                return Ok(ExitCode::FAILURE);
            };
            let now = tongban_server::clock::Clock::now(&tongban_server::clock::SystemClock);
            let username = username.trim().to_lowercase();
            db.put_staff(tongban_server::store::NewStaff {
                username: &username,
                display_name: &display_name,
                department_id: &found.id,
                department_name: &found.name.zh,
                role,
                password_hash: &hash,
                now,
            })
            .await?;
            db.close().await;
            println!(
                "staff member {username} ({}, {}) can now log in",
                found.name.zh,
                role.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::VerifyAudit) => {
            let db = Store::connect(&cli.config.database_url, command_vault(&cli.config)?).await?;
            db.migrate().await?;
            let report = db.verify_audit_chain().await?;
            db.close().await;
            if report.before_chain > 0 {
                println!(
                    "{} entries from before the chain (not verifiable)",
                    report.before_chain
                );
            }
            match report.broken {
                None => {
                    println!(
                        "audit log intact: {} entries, head {}",
                        report.chained,
                        if report.head.is_empty() {
                            "(none)"
                        } else {
                            &report.head
                        }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(broken) => {
                    let head = if report.head.is_empty() {
                        String::new()
                    } else {
                        format!(" (head {})", report.head)
                    };
                    eprintln!(
                        "audit log BROKEN at {broken}; the {} entries before it are intact{head}",
                        report.chained
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Some(Command::ImportCatalog { file, check }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            if check {
                return Ok(report(
                    tongban_core::catalog::parse_catalog(&text)
                        .map(|c| c.matters.len())
                        .map_err(ImportError::Invalid),
                    &file,
                ));
            }
            let db = Store::connect(&cli.config.database_url, command_vault(&cli.config)?).await?;
            db.migrate().await?;
            let result = import_catalog(&db, &text).await.map(|c| c.matters.len());
            db.close().await;
            Ok(report(result, &file))
        }
    }
}

fn report(result: Result<usize, ImportError>, file: &std::path::Path) -> ExitCode {
    match result {
        Ok(matters) => {
            println!("{}: valid, {matters} matters", file.display());
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid(issues)) => {
            eprintln!(
                "{}: {} problem(s), nothing imported:",
                file.display(),
                issues.len()
            );
            for issue in issues {
                eprintln!("  {issue}");
            }
            ExitCode::FAILURE
        }
        Err(ImportError::Database(e)) => {
            eprintln!("{}: the database refused the import: {e}", file.display());
            ExitCode::FAILURE
        }
    }
}
