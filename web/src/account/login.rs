//! Logging in with the phone and a texted code (no password), and back to where the person was.

use super::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || safe_next(query.read().get("next"));
    let session = use_session();
    let navigate = use_navigate();
    let drafts = crate::sync::use_drafts_or_none();

    let phone = RwSignal::new(String::new());
    let phone_error = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<CodeSent>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let send_code = move || {
        notice.set(None);
        let number = match check_mobile(&phone.get_untracked()) {
            Ok(n) => n,
            Err(e) => {
                phone_error.set(Some(loader().get(&format!("error-phone-{}", e.code()))));
                focus("phone");
                return;
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api().send_login_code(&number).await {
                Ok(answer) => {
                    sent.set(Some(answer));
                    code.set(String::new());
                    focus("code");
                }
                Err(e) => match e.field_error("phone") {
                    Some(f) => phone_error.set(Some(loader().get(&format!("error-{}", f.code)))),
                    None => notice.set(Some(error_text(&e))),
                },
            }
            busy.set(false);
        });
    };

    let log_in = {
        let navigate = navigate.clone();
        move || {
            notice.set(None);
            let typed: String = code
                .get_untracked()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
                code_error.set(Some(t!("error-code-format")));
                focus("code");
                return;
            }
            let number = check_mobile(&phone.get_untracked()).unwrap_or_default();
            busy.set(true);
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match api().login(&number, &typed).await {
                    Ok(account) => {
                        if let Some(d) = drafts {
                            d.set_account(&account.id);
                        }
                        session.refresh();
                        navigate(&next(), NavigateOptions::default());
                    }
                    Err(e) => match e.field_error("code") {
                        Some(f) => {
                            code_error.set(Some(loader().get(&format!("error-{}", f.code))));
                            focus("code");
                        }
                        None => notice.set(Some(error_text(&e))),
                    },
                }
                busy.set(false);
            });
        }
    };

    let phone_step = move || {
        view! {
            <form class="form" on:submit=move |ev| { ev.prevent_default(); send_code(); }>
                <TextField
                    id="phone"
                    label=t!("login-phone-label")
                    hint=t!("login-phone-hint")
                    value=phone
                    error=phone_error
                    input_type="tel"
                    inputmode="tel"
                    autocomplete="tel-national"
                />
                <button type="submit" class="button button-wide" aria-disabled=move || busy.get().to_string()>
                    {t!("login-send-code")}
                </button>
            </form>
        }
    };

    let code_step = move |answer: CodeSent| {
        let log_in = log_in.clone();
        let minutes = answer.valid_seconds / 60;
        view! {
            <p class="notice notice-info" role="status">
                {t!(
                    "login-code-sent",
                    phone = answer.masked_phone.clone(),
                    minutes = minutes,
                    time = clock_time(answer.expires_at)
                )}
            </p>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); log_in(); }>
                <TextField
                    id="code"
                    label=t!("login-code-label")
                    hint=t!("login-code-hint")
                    value=code
                    error=code_error
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength=6
                />
                <button type="submit" class="button button-wide" aria-disabled=move || busy.get().to_string()>
                    {t!("login-submit")}
                </button>
            </form>
            <p class="hint">{t!("login-resend-from", time = clock_time(answer.resend_at))}</p>
            <p class="actions">
                <button type="button" class="button button-secondary" on:click=move |_| send_code()>
                    {t!("login-resend")}
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| {
                        sent.set(None);
                        notice.set(None);
                        focus("phone");
                    }
                >
                    {t!("login-change-phone")}
                </button>
            </p>
        }
    };

    view! {
        <h1>{t!("login-heading")}</h1>
        <p class="intro">{t!("login-intro")}</p>
        {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        {move || match sent.get() {
            None => phone_step().into_any(),
            Some(answer) => code_step(answer).into_any(),
        }}
        <p class="hint">{t!("login-privacy")}</p>
    }
}
