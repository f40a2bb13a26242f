//! How a family member can help (代办).

use super::*;

/// How a family member can handle a matter for someone (代办). The consent grant itself comes
/// with accounts; until then this page says plainly what can be done today.
#[component]
pub fn ProxyHelp() -> impl IntoView {
    view! {
        <article class="guide">
            <h1>{t!("proxy-heading")}</h1>
            <p>{t!("proxy-intro")}</p>
            <section aria-labelledby="proxy-today">
                <h2 id="proxy-today">{t!("proxy-today-heading")}</h2>
                <ul>
                    <li>{t!("proxy-today-hall")}</li>
                    <li>{t!("proxy-today-phone")}</li>
                </ul>
                <p><PhoneLink class="button" number="12345".to_owned()>{t!("care-call-help")}</PhoneLink></p>
            </section>
            <section aria-labelledby="proxy-soon">
                <h2 id="proxy-soon">{t!("proxy-soon-heading")}</h2>
                <p>{t!("proxy-soon-body")}</p>
            </section>
        </article>
    }
}
