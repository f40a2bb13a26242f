//! The client's calls about 在线咨询: asking a department what the guide did not answer, the
//! person's threads, and the department's side in the workbench.

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;
use crate::consultation::{
    Consultation, ConsultationList, NewConsultation, NewFaq, NewPost, StaffConsultation,
    StaffConsultationList,
};

impl ApiClient {
    /// Sends a question to the matter's department.
    pub async fn ask_department(&self, new: &NewConsultation) -> Result<Consultation, ApiError> {
        self.send_json(Method::Post, "/consultations", Some(new))
            .await
    }

    /// My questions and their answers.
    pub async fn consultations(&self) -> Result<ConsultationList, ApiError> {
        self.get_json("/me/consultations").await
    }

    pub async fn consultation(&self, id: &str) -> Result<Consultation, ApiError> {
        self.get_json(&format!("/me/consultations/{}", encode_segment(id)))
            .await
    }

    /// Asks again on a thread.
    pub async fn ask_again(&self, id: &str, text: &str) -> Result<Consultation, ApiError> {
        let path = format!("/me/consultations/{}/posts", encode_segment(id));
        let post = NewPost {
            text: text.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&post)).await
    }

    /// Staff: the department's questions.
    pub async fn staff_consultations(&self) -> Result<StaffConsultationList, ApiError> {
        self.get_json("/staff/consultations").await
    }

    pub async fn staff_consultation(&self, id: &str) -> Result<StaffConsultation, ApiError> {
        self.get_json(&format!("/staff/consultations/{}", encode_segment(id)))
            .await
    }

    /// Staff: answers a question (the person is told).
    pub async fn staff_answer_consultation(
        &self,
        id: &str,
        text: &str,
    ) -> Result<StaffConsultation, ApiError> {
        let path = format!("/staff/consultations/{}/answer", encode_segment(id));
        let post = NewPost {
            text: text.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&post)).await
    }

    /// Staff: makes the answer a FAQ entry of the matter's guide.
    pub async fn staff_consultation_faq(
        &self,
        id: &str,
        faq: &NewFaq,
    ) -> Result<StaffConsultation, ApiError> {
        let path = format!("/staff/consultations/{}/faq", encode_segment(id));
        self.send_json(Method::Post, &path, Some(faq)).await
    }
}
