// Plain Kotlin, no Android: the view-models the Compose screens collect, tested on the JVM against
// a real server (mobile/tests/kotlin). Core decides; these only hold what a screen shows.
package tongban.viewmodels

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import uniffi.tongban_core.ApiException
import uniffi.tongban_mobile.message

/// What went wrong, as a screen says it: the message id (from the shared Fluent files) and the
/// localized text, and for a refused input the field it belongs to.
data class UiError(val messageId: String, val text: String, val field: String? = null)

/// The one place an exception from core becomes words for the person.
fun ApiException.toUiError(language: String): UiError {
    val (id, field) = when (this) {
        is ApiException.Network -> "error-network" to null
        is ApiException.Unauthorized -> "error-unauthorized" to null
        is ApiException.Forbidden -> "error-$code" to null
        is ApiException.RateLimited -> "error-rate-limited" to null
        is ApiException.NotFound -> "error-not-found" to null
        is ApiException.Conflict -> "error-$code" to null
        is ApiException.Validation -> fields.firstOrNull()?.let { "error-${it.code}" to it.path } ?: ("error-$code" to null)
        is ApiException.Storage -> "error-storage" to null
        is ApiException.Server -> "error-server" to null
    }
    // The time to try again as a clock time, as the web says it ("after 14:05").
    val args = if (this is ApiException.RateLimited) {
        val until = java.time.LocalTime.now().plusSeconds(retryAfterSeconds.toLong())
        mapOf("time" to until.format(java.time.format.DateTimeFormatter.ofPattern("HH:mm")))
    } else {
        emptyMap()
    }
    return UiError(id, message(id, language, args), field)
}

/// A view-model's state, observable by Compose (`collectAsState`) and readable by tests.
abstract class ViewModel<S>(initial: S) {
    private val mutable = MutableStateFlow(initial)
    val state: StateFlow<S> = mutable.asStateFlow()
    protected fun update(change: (S) -> S) { mutable.value = change(mutable.value) }
}
