//! The client's calls about 好差评: rating an application or a visit, the departments' follow-up
//! of a bad rating in the workbench (整改), and the public statistics.

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;
use crate::evaluation::{
    Evaluation, EvaluationStats, NewEvaluation, RectificationNote, StaffRectification,
    StaffRectificationList,
};

impl ApiClient {
    /// Rates application `id` (or rates it again, once, after the departments answered).
    pub async fn rate_application(
        &self,
        id: &str,
        rating: &NewEvaluation,
    ) -> Result<Evaluation, ApiError> {
        let path = format!("/applications/{}/evaluation", encode_segment(id));
        self.send_json(Method::Post, &path, Some(rating)).await
    }

    /// The application's rating (`NotFound` while it is unrated).
    pub async fn application_evaluation(&self, id: &str) -> Result<Evaluation, ApiError> {
        self.get_json(&format!("/applications/{}/evaluation", encode_segment(id)))
            .await
    }

    /// Rates the visit of booking `id` (once the hall marked the person arrived).
    pub async fn rate_visit(
        &self,
        id: &str,
        rating: &NewEvaluation,
    ) -> Result<Evaluation, ApiError> {
        let path = format!("/me/appointments/{}/evaluation", encode_segment(id));
        self.send_json(Method::Post, &path, Some(rating)).await
    }

    /// The visit's rating (`NotFound` while it is unrated).
    pub async fn visit_evaluation(&self, id: &str) -> Result<Evaluation, ApiError> {
        self.get_json(&format!(
            "/me/appointments/{}/evaluation",
            encode_segment(id)
        ))
        .await
    }

    /// Satisfaction per department and hall, for anyone.
    pub async fn evaluation_stats(&self) -> Result<EvaluationStats, ApiError> {
        self.get_json("/evaluations/stats").await
    }

    /// Staff: the department's rectification items.
    pub async fn staff_rectifications(&self) -> Result<StaffRectificationList, ApiError> {
        self.get_json("/staff/rectifications").await
    }

    /// Staff: one item, with the person's phone for the callback.
    pub async fn staff_rectification(&self, id: &str) -> Result<StaffRectification, ApiError> {
        self.get_json(&format!("/staff/rectifications/{}", encode_segment(id)))
            .await
    }

    async fn rectification_step(
        &self,
        id: &str,
        step: &str,
        text: &str,
    ) -> Result<StaffRectification, ApiError> {
        let path = format!("/staff/rectifications/{}/{step}", encode_segment(id));
        let note = RectificationNote {
            text: text.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&note)).await
    }

    /// Staff: records the callback to the person.
    pub async fn staff_rectification_callback(
        &self,
        id: &str,
        note: &str,
    ) -> Result<StaffRectification, ApiError> {
        self.rectification_step(id, "callback", note).await
    }

    /// Staff: answers the person with what was done.
    pub async fn staff_rectification_answer(
        &self,
        id: &str,
        answer: &str,
    ) -> Result<StaffRectification, ApiError> {
        self.rectification_step(id, "answer", answer).await
    }
}
