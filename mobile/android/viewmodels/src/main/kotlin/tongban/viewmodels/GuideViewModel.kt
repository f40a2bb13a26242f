package tongban.viewmodels

import uniffi.tongban_core.ApiException
import uniffi.tongban_core.GuideView
import uniffi.tongban_mobile.Speaker
import uniffi.tongban_mobile.TongbanClient

data class GuideState(
    val loading: Boolean = false,
    val guide: GuideView? = null,
    val error: UiError? = null,
)

/// A service guide (办事指南), shown from the device's copy when offline, and read aloud in care mode
/// through the platform's speech.
class GuideViewModel(private val client: TongbanClient, private val language: String) :
    ViewModel<GuideState>(GuideState()) {

    suspend fun load(code: String) {
        update { it.copy(loading = true, error = null) }
        try {
            val guide = client.guide(code, language)
            update { GuideState(guide = guide) }
        } catch (e: ApiException) {
            update { it.copy(loading = false, error = e.toUiError(language)) }
        }
    }

    suspend fun readAloud(speaker: Speaker) {
        val code = state.value.guide?.code ?: return
        try {
            client.readGuideAloud(code, language, speaker)
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }
}
