package tongban.viewmodels

import uniffi.tongban_core.ApiException
import uniffi.tongban_core.FieldError
import uniffi.tongban_mobile.DraftView
import uniffi.tongban_core.QuestionKind
import uniffi.tongban_core.QuestionView
import uniffi.tongban_mobile.Keep
import uniffi.tongban_mobile.TongbanClient
import uniffi.tongban_mobile.message

data class DraftsState(
    val drafts: List<DraftView> = emptyList(),
    /// Changes kept on the device, not yet on the server.
    val pending: Int = 0,
    val offline: Boolean = false,
    val needsLogin: Boolean = false,
    /// The open draft's questions, labelled in the person's language (conditions applied).
    val questions: List<QuestionView> = emptyList(),
    /// What the device's own check found wrong, before anything is sent.
    val problems: List<FieldError> = emptyList(),
    val error: UiError? = null,
)

/// "My drafts" and the form: every change is saved on the device first (encrypted), then synced;
/// nothing typed is lost to a bad connection or a killed app.
class DraftsViewModel(private val client: TongbanClient, private val language: String) :
    ViewModel<DraftsState>(DraftsState()) {

    suspend fun reload() = guarded {
        val drafts = client.drafts()
        update { it.copy(drafts = drafts, pending = drafts.sumOf { d -> d.pendingChanges.toInt() }) }
    }

    /// The questions to ask for a draft (after each answer: conditions may show or hide some).
    suspend fun open(draftId: String) = guarded {
        val questions = client.questions(draftId, language)
        update { it.copy(questions = questions) }
    }

    /// Checks the answers on the device with the server's rules; true when it can be submitted.
    suspend fun check(draftId: String): Boolean {
        var ok = false
        guarded {
            val problems = client.checkAnswers(draftId)
            update { it.copy(problems = problems) }
            ok = problems.isEmpty()
        }
        return ok
    }

    /// Starts a draft for a matter (or `bundle:<id>`); works offline. Returns its id.
    suspend fun start(formId: String): String? {
        var id: String? = null
        guarded { id = client.createDraft(formId) }
        reload()
        return id
    }

    suspend fun answer(draftId: String, path: String, text: String?) = guarded {
        client.setTextAnswer(draftId, path, text?.takeIf { it.isNotEmpty() })
    }.also { reload() }

    /// Answers a choice question: a single choice is its option's value, a multiple choice the list.
    suspend fun choose(draftId: String, question: QuestionView, values: List<String>) = guarded {
        if (question.kind == QuestionKind.MULTIPLE_CHOICE) {
            client.setChoicesAnswer(draftId, question.path, values)
        } else {
            client.setTextAnswer(draftId, question.path, values.firstOrNull())
        }
    }.also { reload(); open(draftId) }

    /// A photo or scan for a document question: uploaded (checked by content on the server), then
    /// the answer points at it.
    suspend fun attach(draftId: String, path: String, bytes: ByteArray, fileName: String) = guarded {
        val uploaded = client.uploadMaterial(bytes)
        client.setMaterialAnswer(draftId, path, uploaded, fileName)
    }.also { reload(); open(draftId) }

    /// 容缺: the document is promised for later, where the matter allows it.
    suspend fun later(draftId: String, path: String) = guarded {
        client.promiseMaterialLater(draftId, path)
    }.also { reload() }

    suspend fun keep(draftId: String, path: String, keep: Keep) = guarded {
        client.resolveConflict(draftId, path, keep)
    }.also { reload() }

    suspend fun delete(draftId: String) = guarded { client.deleteDraft(draftId) }.also { reload() }

    suspend fun submit(draftId: String) = guarded { client.submitDraft(draftId) }.also { sync() }

    /// Sends what waits; offline it stays on the device and the screen says so.
    suspend fun sync() {
        guarded {
            val summary = client.sync()
            // A change the server refused for good is said, not dropped silently.
            val refused = summary.refused.firstOrNull()?.let { code ->
                UiError("error-$code", message("error-$code", language, emptyMap()))
            }
            update { it.copy(offline = summary.offline, needsLogin = summary.needsLogin) }
            reload()
            if (refused != null) update { it.copy(error = refused) }
        }
    }

    private suspend fun guarded(body: suspend () -> Unit) {
        try {
            update { it.copy(error = null) }
            body()
        } catch (e: ApiException) {
            update { it.copy(error = e.toUiError(language)) }
        }
    }
}
