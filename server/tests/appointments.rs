//! Appointments (预约) against a real server: the last places of a day go to exactly as many
//! people as there are places, on SQLite and on PostgreSQL, with 200 people booking at once;
//! the rules a hall publishes (window, slots, one a day, cancelling until 2 hours before, no-show
//! limit) hold; the reminder appears the day before; a hall's staff see their department's
//! bookings of the day and mark arrivals by the code the person shows.

mod support;

use sqlx::Row;
use support::auth::AuthServer;
use support::forms::id_number;
use support::postgres::TempPostgres;
use tongban_core::calendar::Day;
use tongban_core::case::StaffRole;
use tongban_core::message::MessageKind;
use tongban_core::visit::{AppointmentStatus, NewAppointment};
use tongban_core::{ApiClient, ApiError};

/// 结婚登记 at 杭州市上城区婚姻登记处: 2 places a half hour, working days 8:30-12:00, 13:30-17:00.
const MARRIAGE: &str = "330100-MZ-0001";
const REGISTRY: &str = "330102-hydj";
const DEPARTMENT: &str = "330100-mz";
/// Wednesday 2026-12-02, 10:00 in Beijing.
const WEDNESDAY_10AM: i64 = 1_796_176_800;

fn thursday() -> Day {
    Day::from_ymd(2026, 12, 3)
}

fn booking(day: Day, start: u16) -> NewAppointment {
    NewAppointment {
        hall_id: REGISTRY.into(),
        matter_code: MARRIAGE.into(),
        day,
        start,
        application_id: None,
    }
}

async fn server_on(
    url: Option<String>,
    tweak: impl FnOnce(&mut tongban_server::Config),
) -> AuthServer {
    let generous = |c: &mut tongban_server::Config| {
        c.auth.max_sends_per_ip = 10_000;
        c.auth.max_failures_per_ip = 10_000;
        // The test moves the clock by days: sessions outlive it.
        c.auth.session_idle_seconds = 40 * 86_400;
        c.auth.session_absolute_seconds = 40 * 86_400;
        tweak(c);
    };
    let server = match url {
        Some(url) => AuthServer::on(url, vec![], generous).await,
        None => AuthServer::on_sqlite(generous).await,
    };
    server.clock.set(WEDNESDAY_10AM);
    server
}

/// Person `n`: logged in with their own phone, identity verified.
async fn person(server: &AuthServer, n: usize) -> ApiClient {
    let phone = format!("139{:08}", n);
    let (client, _) = server.login(&phone).await;
    client.verify_identity("李四", &id_number(n)).await.unwrap();
    client
}

/// A clerk of `department`, logged in.
async fn staff(server: &AuthServer, username: &str, department: &str) -> ApiClient {
    support::staff::staff(server, username, department, StaffRole::Clerk).await
}

fn code_of(e: &ApiError) -> String {
    e.message_id()
}

async fn last_places_race(server: AuthServer) {
    // Five slots of Thursday morning: 10 places. 200 people, 40 on each slot, all at once.
    let slots: [u16; 5] = [510, 540, 570, 600, 630];
    let mut people = Vec::new();
    for n in 0..200 {
        people.push(person(&server, n).await);
    }
    let mut race = tokio::task::JoinSet::new();
    for (n, p) in people.into_iter().enumerate() {
        let start = slots[n % slots.len()];
        race.spawn(async move { p.book(&booking(thursday(), start)).await });
    }
    let (mut booked, mut full) = (Vec::new(), 0);
    while let Some(result) = race.join_next().await {
        match result.unwrap() {
            Ok(a) => booked.push(a),
            Err(e) if code_of(&e) == "error-booking-full" => full += 1,
            Err(e) => panic!("a booking failed otherwise: {e:?}"),
        }
    }
    assert_eq!(booked.len(), 10, "exactly the places there are");
    assert_eq!(full, 190);
    for s in slots {
        assert_eq!(
            booked.iter().filter(|a| a.start == s).count(),
            2,
            "slot {s}"
        );
    }
    let mut codes: Vec<&str> = booked.iter().map(|a| a.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 10, "every booking its own code");

    // What the database holds agrees, and the slots say they are full.
    let db = server.server.db().pool();
    let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM appointments WHERE status = 'booked'")
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(rows, 10);
    let anyone = ApiClient::new(&server.base);
    let free = anyone.hall_slots(REGISTRY, MARRIAGE).await.unwrap();
    let thursday_slots = &free
        .days
        .iter()
        .find(|d| d.day == thursday())
        .unwrap()
        .slots;
    for s in thursday_slots {
        let want = if slots.contains(&s.start) { 0 } else { 2 };
        assert_eq!(s.left, want, "slot {}", s.start);
    }
}

#[tokio::test]
async fn the_last_places_go_to_exactly_as_many_people_on_sqlite() {
    last_places_race(server_on(None, |_| {}).await).await;
}

#[tokio::test]
async fn the_last_places_go_to_exactly_as_many_people_on_postgres() {
    let pg = TempPostgres::start();
    last_places_race(server_on(Some(pg.new_database()), |_| {}).await).await;
}

#[tokio::test]
async fn a_booking_keeps_the_halls_rules_and_the_hall_sees_it() {
    let server = server_on(None, |_| {}).await;
    let me = person(&server, 1).await;

    // The window: from tomorrow to 5 working days ahead (Thu 3 … Wed 9), open days only.
    let slots = ApiClient::new(&server.base)
        .hall_slots(REGISTRY, MARRIAGE)
        .await
        .unwrap();
    let days: Vec<String> = slots.days.iter().map(|d| d.day.to_string()).collect();
    assert_eq!(
        days,
        [
            "2026-12-03",
            "2026-12-04",
            "2026-12-07",
            "2026-12-08",
            "2026-12-09"
        ]
    );
    assert_eq!(slots.days[0].slots.len(), 14);
    let today = Day::from_ymd(2026, 12, 2);
    for (day, start, field, code) in [
        (today, 900, "day", "error-booking-outside-window"),
        (
            Day::from_ymd(2026, 12, 10),
            510,
            "day",
            "error-booking-outside-window",
        ),
        (
            Day::from_ymd(2026, 12, 5),
            540,
            "start",
            "error-booking-no-such-slot",
        ),
        (thursday(), 525, "start", "error-booking-no-such-slot"),
        (thursday(), 720, "start", "error-booking-no-such-slot"),
    ] {
        let e = me.book(&booking(day, start)).await.unwrap_err();
        assert_eq!(code_of(&e), code, "{day} {start}");
        assert!(e.field_error(field).is_some(), "{e:?}");
    }
    // A matter the hall does not handle, a hall that does not exist.
    let mut other = booking(thursday(), 540);
    other.matter_code = "330100-GT-0001".into();
    assert!(matches!(me.book(&other).await, Err(ApiError::NotFound)));
    let mut nowhere = booking(thursday(), 540);
    nowhere.hall_id = "330102-nowhere".into();
    assert!(matches!(me.book(&nowhere).await, Err(ApiError::NotFound)));
    // Without a verified identity, no booking.
    let (unverified, _) = server.login("13700000001").await;
    let e = unverified
        .book(&booking(thursday(), 540))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-identity-required");

    // Booked: a code, a message now, and one hall-day per person.
    let first = me.book(&booking(thursday(), 540)).await.unwrap();
    assert_eq!(first.status, AppointmentStatus::Booked);
    assert!(first.can_cancel);
    assert_eq!(first.code.len(), 8);
    let e = me.book(&booking(thursday(), 600)).await.unwrap_err();
    assert_eq!(code_of(&e), "error-booking-one-a-day");
    let friday = me
        .book(&booking(Day::from_ymd(2026, 12, 4), 600))
        .await
        .unwrap();
    let messages = me.messages().await.unwrap();
    let kinds: Vec<MessageKind> = messages.items.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::AppointmentBooked,
            MessageKind::AppointmentBooked
        ]
    );
    assert!(messages
        .items
        .iter()
        .any(|m| m.params.get("code") == Some(&first.code)
            && m.params.get("time").map(String::as_str) == Some("9:00")));

    // Cancelling Friday's frees its place and withdraws its reminder.
    let cancelled = me.cancel_appointment(&friday.id).await.unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let e = me.cancel_appointment(&friday.id).await.unwrap_err();
    assert_eq!(code_of(&e), "error-booking-not-booked");
    let again = me
        .book(&booking(Day::from_ymd(2026, 12, 4), 600))
        .await
        .unwrap();
    me.cancel_appointment(&again.id).await.unwrap();

    // Someone else's booking is nobody's to cancel.
    let stranger = person(&server, 2).await;
    assert!(matches!(
        stranger.cancel_appointment(&first.id).await,
        Err(ApiError::NotFound)
    ));

    // The evening before (18:00) the reminder of Thursday appears; Friday's was withdrawn.
    server.clock.set(WEDNESDAY_10AM + 8 * 3600 - 60);
    let early = me.messages().await.unwrap();
    assert!(early
        .items
        .iter()
        .all(|m| m.kind != MessageKind::AppointmentReminder));
    server.clock.set(WEDNESDAY_10AM + 23 * 3600);
    let messages = me.messages().await.unwrap();
    let reminders: Vec<_> = messages
        .items
        .iter()
        .filter(|m| m.kind == MessageKind::AppointmentReminder)
        .collect();
    assert_eq!(reminders.len(), 1, "{:?}", messages.items);
    assert_eq!(reminders[0].params.get("code"), Some(&first.code));

    // Thursday 7:01: under 2 hours before 9:00, too late to cancel.
    server.clock.set(WEDNESDAY_10AM + 21 * 3600 + 60);
    let e = me.cancel_appointment(&first.id).await.unwrap_err();
    assert_eq!(code_of(&e), "error-booking-too-late-to-cancel");
    let list = me.appointments().await.unwrap();
    assert_eq!(list.items[0].id, first.id, "upcoming first");
    assert!(!list.items[0].can_cancel);

    // The registry's clerk (civil affairs) sees Thursday's booking and marks the person in by
    // the code they show; a clerk of another department sees nothing of it.
    let clerk = staff(&server, "mz-clerk", DEPARTMENT).await;
    let halls = clerk.staff_halls().await.unwrap();
    assert!(halls.iter().any(|h| h.id == REGISTRY));
    let day = clerk.staff_hall_day(REGISTRY, None).await.unwrap();
    assert_eq!(day.day, thursday());
    assert_eq!(day.items.len(), 1);
    assert_eq!(day.items[0].code, first.code);
    let police = staff(&server, "ga-clerk", "330100-ga").await;
    assert!(matches!(
        police.staff_hall_day(REGISTRY, None).await,
        Err(ApiError::NotFound)
    ));
    let at_centre = police
        .staff_hall_day("330100-smzx", Some(thursday()))
        .await
        .unwrap();
    assert!(at_centre.items.is_empty());
    assert!(matches!(
        police.staff_mark_arrived("330100-smzx", &first.code).await,
        Err(ApiError::NotFound)
    ));
    let arrived = clerk
        .staff_mark_arrived(REGISTRY, &first.code.to_lowercase())
        .await
        .unwrap();
    assert_eq!(arrived.status, AppointmentStatus::Arrived);
    assert_eq!(
        me.appointments()
            .await
            .unwrap()
            .items
            .iter()
            .find(|a| a.id == first.id)
            .unwrap()
            .status,
        AppointmentStatus::Arrived
    );
    assert!(matches!(
        clerk.staff_mark_arrived(REGISTRY, "ZZZZZZZZ").await,
        Err(ApiError::NotFound)
    ));
}

#[tokio::test]
async fn a_booking_can_be_for_an_application_of_ones_own_that_needs_the_visit() {
    let server = server_on(None, |_| {}).await;
    let me = person(&server, 11).await;
    let (application, _) = support::forms::submit(&me, MARRIAGE, &[]).await;
    let mut tied = booking(thursday(), 540);
    tied.application_id = Some(application.clone());
    let booked = me.book(&tied).await.unwrap();
    assert_eq!(booked.application_id.as_deref(), Some(application.as_str()));
    // Its confirmation links to the application.
    let messages = me.messages().await.unwrap();
    assert!(messages
        .items
        .iter()
        .any(|m| m.kind == MessageKind::AppointmentBooked
            && m.application_id.as_deref() == Some(application.as_str())));
    // Another matter than the application's, or someone else's application: refused.
    let (other_app, _) = support::forms::submit(&me, "330100-MZ-0002", &[]).await;
    let mut wrong = booking(Day::from_ymd(2026, 12, 4), 540);
    wrong.application_id = Some(other_app);
    let e = me.book(&wrong).await.unwrap_err();
    assert_eq!(code_of(&e), "error-booking-not-for-application");
    assert!(e.field_error("application_id").is_some());
    let stranger = person(&server, 12).await;
    let mut theirs = booking(Day::from_ymd(2026, 12, 4), 540);
    theirs.application_id = Some(application);
    assert!(matches!(
        stranger.book(&theirs).await,
        Err(ApiError::NotFound)
    ));
}

#[tokio::test]
async fn missed_bookings_block_booking_for_a_while_and_say_until_when() {
    let server = server_on(None, |c| {
        c.booking.missed_bookings_limit = 2;
        c.booking.missed_bookings_block_days = 10;
    })
    .await;
    let me = person(&server, 7).await;
    me.book(&booking(thursday(), 540)).await.unwrap();
    me.book(&booking(Day::from_ymd(2026, 12, 4), 540))
        .await
        .unwrap();
    // Monday 7 December: both days passed, nobody came.
    server.clock.set(WEDNESDAY_10AM + 5 * 86_400);
    let list = me.appointments().await.unwrap();
    assert!(list
        .items
        .iter()
        .all(|a| a.status == AppointmentStatus::Missed));
    assert_eq!(list.blocked_until, Some(Day::from_ymd(2026, 12, 14)));
    let e = me
        .book(&booking(Day::from_ymd(2026, 12, 8), 540))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "error-booking-blocked");
    // After the block, booking works again.
    server.clock.set(WEDNESDAY_10AM + 13 * 86_400);
    me.book(&booking(Day::from_ymd(2026, 12, 16), 540))
        .await
        .unwrap();
}
