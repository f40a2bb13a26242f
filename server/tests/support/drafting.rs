//! A person's device filling a draft of the demo ID-card matter through the sync protocol, and
//! submitting it (applications.rs, supplements.rs).

use tongban_core::draft::{Change, ChangeKind, ChangeReply};
use tongban_core::form::FormSchema;
use tongban_core::ApiClient;

use super::auth::AuthServer;
use super::forms::{fill, ID_A, PHONE_A};

pub const MATTER: &str = "330000-GA-0001";

pub struct Device {
    pub api: ApiClient,
    pub id: &'static str,
    pub ops: u32,
}

impl Device {
    pub fn change(&mut self, draft: &str, base_version: u64, kind: ChangeKind) -> Change {
        self.ops += 1;
        Change {
            op_id: format!("{}-{}-{}", self.id, draft, self.ops),
            draft_id: draft.to_owned(),
            device_id: self.id.to_owned(),
            base_version,
            kind,
        }
    }

    pub async fn send(&mut self, draft: &str, base: u64, kind: ChangeKind) -> ChangeReply {
        let change = self.change(draft, base, kind);
        self.api.send_change(&change).await.unwrap()
    }
}

pub async fn verified_person(server: &AuthServer, phone: &str) -> ApiClient {
    let (client, _) = server.login(phone).await;
    // One ID number verifies one account: each phone gets its own.
    let id = if phone == PHONE_A {
        ID_A
    } else {
        "330106198503120028"
    };
    client.verify_identity("张三", id).await.unwrap();
    client
}

pub async fn schema(api: &ApiClient) -> FormSchema {
    FormSchema::for_matter(&api.matter_guide(MATTER).await.unwrap())
}

/// Creates a draft and fills it completely; returns its version.
pub async fn filled_draft(device: &mut Device, draft: &str) -> u64 {
    let schema = schema(&device.api).await;
    let mut version = match device
        .send(
            draft,
            0,
            ChangeKind::Create {
                form_id: MATTER.into(),
            },
        )
        .await
    {
        ChangeReply::Applied { snapshot } => snapshot.version,
        other => panic!("create: {other:?}"),
    };
    let upload = device
        .api
        .upload_material(super::forms::JPEG.to_vec())
        .await
        .unwrap();
    assert_eq!(upload.kind, "image/jpeg");
    for (path, value) in fill(&schema, &upload.object_id) {
        match device
            .send(
                draft,
                version,
                ChangeKind::Set {
                    path,
                    value: Some(value),
                },
            )
            .await
        {
            ChangeReply::Applied { snapshot } => version = snapshot.version,
            other => panic!("set: {other:?}"),
        }
    }
    version
}
