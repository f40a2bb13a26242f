package tongban.viewmodels

import uniffi.tongban_core.ApiException
import uniffi.tongban_core.ApplicationSummary
import uniffi.tongban_mobile.ApplicationView
import uniffi.tongban_mobile.TongbanClient

data class ApplicationsState(
    val applications: List<ApplicationSummary> = emptyList(),
    val open: ApplicationView? = null,
    val error: UiError? = null,
)

/// "My applications" and one application's timeline (受理 → 审查 → 补正 → 办结).
class ApplicationsViewModel(private val client: TongbanClient, private val language: String) :
    ViewModel<ApplicationsState>(ApplicationsState()) {

    suspend fun reload() {
        try {
            val list = client.applications()
            update { it.copy(applications = list, error = null) }
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }

    /// Answers a supplement request (补正): new answers for the requested fields only.
    suspend fun supply(id: String, answers: Map<String, String>) {
        try {
            val application = client.supply(id, answers)
            update { it.copy(open = application, error = null) }
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }

    suspend fun open(id: String) {
        try {
            val application = client.application(id)
            update { it.copy(open = application, error = null) }
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }
}
