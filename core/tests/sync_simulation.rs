//! A deterministic simulation of draft sync over a hostile network: requests and replies are
//! dropped, duplicated, delayed and so reordered; the client is killed between any two steps and
//! restarts from what it stored; the server restarts, losing everything in flight. Over 1,000
//! seeds: no acknowledged edit is lost, no submission is duplicated, and the final state equals
//! the in-order run of the person's edits.

use std::collections::BTreeMap;

use tongban_core::draft::{
    submission_key, Change, ChangeReply, DeviceState, ServerDraft, Submission, SyncOutcome,
};
use tongban_core::form::{Answer, Answers};

/// xorshift64*: small, deterministic, good enough to pick faults.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The server's durable state: drafts, the reply to every op id, the applications.
#[derive(Default)]
struct Server {
    drafts: BTreeMap<String, ServerDraft>,
    replies: BTreeMap<String, ChangeReply>,
    applications: Vec<(String, Answers)>,
}

impl Server {
    fn handle(&mut self, change: &Change) -> ChangeReply {
        if let Some(reply) = self.replies.get(&change.op_id) {
            return reply.clone();
        }
        let applications = &mut self.applications;
        let reply = match self.drafts.get_mut(&change.draft_id) {
            Some(draft) => draft.apply(change, &mut |d| {
                applications.push((d.draft_id.clone(), d.answers.clone()));
                Ok(Submission {
                    idempotency_key: submission_key(&d.draft_id),
                    application_id: format!("app-{}", applications.len()),
                    receipt: format!("R{}", applications.len()),
                })
            }),
            None => match ServerDraft::create(change) {
                Ok(draft) => {
                    let reply = ChangeReply::Applied {
                        snapshot: draft.snapshot(),
                    };
                    self.drafts.insert(change.draft_id.clone(), draft);
                    reply
                }
                Err(reply) => reply,
            },
        };
        // Stored with the change in one transaction: a repeat gets this same answer.
        self.replies.insert(change.op_id.clone(), reply.clone());
        reply
    }
}

enum Message {
    Request(Change),
    Reply(String, ChangeReply),
}

struct InFlight {
    deliver_at: u64,
    message: Message,
}

/// What the person does, in order.
#[derive(Clone, Debug)]
enum Action {
    Set(&'static str, Option<String>),
    Submit,
}

const PATHS: [&str; 5] = [
    "applicant.name",
    "applicant.phone",
    "applicant.address",
    "details.reason",
    "details.note",
];

fn script(rng: &mut Rng) -> Vec<Action> {
    let edits = 3 + rng.below(12);
    let mut actions: Vec<Action> = (0..edits)
        .map(|i| {
            let path = PATHS[rng.below(PATHS.len() as u64) as usize];
            let value = if rng.chance(10) {
                None
            } else {
                Some(format!("v{i}-{}", rng.below(1000)))
            };
            Action::Set(path, value)
        })
        .collect();
    if rng.chance(70) {
        // Sometimes the person taps "submit" twice, quickly.
        actions.push(Action::Submit);
        if rng.chance(30) {
            actions.push(Action::Submit);
        }
    }
    actions
}

struct Outcome {
    server: Server,
    device: DeviceState,
    acknowledged: Vec<(String, Option<Answer>)>,
}

const DRAFT: &str = "draft-1";

/// Runs one seed; returns the end state once everything is delivered and quiet.
fn run(seed: u64) -> (Vec<Action>, Outcome) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let actions = script(&mut rng);
    let mut server = Server::default();
    let mut stored = DeviceState::new("phone");
    let mut device = stored.clone();
    let mut network: Vec<InFlight> = Vec::new();
    let mut waiting_since: Option<u64> = None;
    let mut ops = 0u64;
    let mut next_op = || {
        ops += 1;
        format!("op-{ops}")
    };
    let mut acknowledged = Vec::new();
    let mut pending = actions.clone().into_iter();
    device.create_draft(DRAFT, "form", next_op(), 0);
    stored = device.clone();

    let mut tick = 0u64;
    loop {
        tick += 1;
        let quiet = pending.len() == 0 && device.outbox.is_empty() && network.is_empty();
        if quiet || tick > 20_000 {
            break;
        }
        // The person acts now and then, while there is something left to do.
        if rng.chance(30) {
            if let Some(action) = pending.next() {
                match action {
                    Action::Set(path, value) => {
                        device.set_answer(
                            DRAFT,
                            path,
                            value.map(Answer::Text),
                            next_op(),
                            tick as i64,
                        );
                    }
                    Action::Submit => {
                        device.submit(DRAFT, next_op());
                    }
                }
                stored = device.clone(); // draft and outbox entry saved in one transaction
            }
        }
        // The client is killed between two steps: it restarts from what it stored.
        if rng.chance(3) {
            device = stored.clone();
            waiting_since = None;
        }
        // The server restarts: whatever was in flight is lost; its stored state stays.
        if rng.chance(1) {
            network.clear();
        }
        // Sync: send the outbox head; resend after a timeout (its reply may be lost or late).
        let timed_out = waiting_since.is_some_and(|t| tick - t > 8);
        if waiting_since.is_none() || timed_out {
            if let Some(change) = device.next_to_send().cloned() {
                waiting_since = Some(tick);
                if !rng.chance(15) {
                    let copies = if rng.chance(10) { 2 } else { 1 };
                    for _ in 0..copies {
                        network.push(InFlight {
                            deliver_at: tick + 1 + rng.below(6),
                            message: Message::Request(change.clone()),
                        });
                    }
                }
            }
        }
        // Deliver what is due, in a shuffled order.
        let mut due: Vec<InFlight> = Vec::new();
        let mut later = Vec::new();
        for m in network.drain(..) {
            if m.deliver_at <= tick {
                due.push(m);
            } else {
                later.push(m);
            }
        }
        network = later;
        while !due.is_empty() {
            let m = due.remove(rng.below(due.len() as u64) as usize);
            match m.message {
                Message::Request(change) => {
                    let reply = server.handle(&change);
                    if !rng.chance(15) {
                        let copies = if rng.chance(10) { 2 } else { 1 };
                        for _ in 0..copies {
                            network.push(InFlight {
                                deliver_at: tick + 1 + rng.below(6),
                                message: Message::Reply(change.op_id.clone(), reply.clone()),
                            });
                        }
                    }
                }
                Message::Reply(op_id, reply) => {
                    let head = device.next_to_send().map(|c| c.op_id.clone());
                    let outcome = device.receive(&op_id, &reply);
                    if outcome != SyncOutcome::Ignored {
                        if let ChangeReply::Applied { snapshot } = &reply {
                            for (path, value) in &snapshot.answers {
                                acknowledged.push((path.clone(), Some(value.clone())));
                            }
                        }
                        stored = device.clone();
                    }
                    if head.as_deref() == Some(op_id.as_str()) {
                        waiting_since = None;
                    }
                    assert!(
                        !matches!(outcome, SyncOutcome::Conflict | SyncOutcome::Rejected(_)),
                        "seed {seed}: one device never conflicts with itself: {outcome:?}"
                    );
                }
            }
        }
    }
    (
        actions,
        Outcome {
            server,
            device,
            acknowledged,
        },
    )
}

/// The answers the person's actions give when applied in order, with nothing going wrong.
fn in_order(actions: &[Action]) -> Answers {
    let mut answers = Answers::new();
    for action in actions {
        if let Action::Set(path, value) = action {
            match value {
                Some(v) => answers.insert((*path).to_owned(), Answer::Text(v.clone())),
                None => answers.remove(*path),
            };
        }
    }
    answers
}

#[test]
fn a_thousand_hostile_runs_lose_nothing_and_submit_once() {
    let mut submitted_runs = 0;
    for seed in 0..1_000u64 {
        let (actions, end) = run(seed);
        assert!(
            end.device.outbox.is_empty(),
            "seed {seed}: the run did not settle: {} entries left",
            end.device.outbox.len()
        );
        let expected = in_order(&actions);
        let server = &end.server.drafts[DRAFT];
        assert_eq!(
            server.answers, expected,
            "seed {seed}: server ≠ in-order run"
        );
        let draft = &end.device.drafts[DRAFT];
        assert_eq!(
            draft.answers, expected,
            "seed {seed}: device ≠ in-order run"
        );
        assert_eq!(draft.synced, expected, "seed {seed}: device not in sync");
        assert!(draft.conflicts.is_empty());
        let wants_submit = actions.iter().any(|a| matches!(a, Action::Submit));
        let applications = &end.server.applications;
        if wants_submit {
            submitted_runs += 1;
            assert_eq!(
                applications.len(),
                1,
                "seed {seed}: {} applications",
                applications.len()
            );
            assert_eq!(
                applications[0].1, expected,
                "seed {seed}: the application lacks edits"
            );
            assert!(
                draft.submitted.is_some(),
                "seed {seed}: the device never learnt of it"
            );
        } else {
            assert!(applications.is_empty());
        }
        // Every value the server acknowledged was the latest for its field at some point in
        // the person's edits: nothing was invented or resurrected.
        for (path, value) in &end.acknowledged {
            let typed = actions.iter().any(|a| match a {
                Action::Set(p, v) => *p == path && v.clone().map(Answer::Text) == *value,
                Action::Submit => false,
            });
            assert!(typed, "seed {seed}: {path} = {value:?} was never typed");
        }
    }
    assert!(
        submitted_runs > 500,
        "too few runs submitted: {submitted_runs}"
    );
}

#[test]
fn the_simulation_can_fail_a_server_without_idempotency_duplicates() {
    // Sanity: were op ids not remembered, duplicated requests would apply twice. Replaying one
    // submit twice against a server that forgets its replies makes a second application.
    let mut device = DeviceState::new("phone");
    device.create_draft(DRAFT, "form", "c".into(), 0);
    device.submit(DRAFT, "s".into());
    let mut server = Server::default();
    let create = device.outbox[0].clone();
    let submit = device.outbox[1].clone();
    server.handle(&create);
    server.handle(&submit);
    server.replies.clear();
    server.drafts.get_mut(DRAFT).unwrap().submission = None;
    server.handle(&submit);
    assert_eq!(
        server.applications.len(),
        2,
        "the check above would catch this"
    );
}
