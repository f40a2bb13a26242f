// The Compose screens: home and search, guide, form, drafts, applications, login. They render the
// view-models' state and send the person's taps to them; every word comes from `message()` (the
// same Fluent files as the web). Care mode: larger type and 60 dp targets, one tap away.
package cn.tongban.app

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.clickable
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Checkbox
import androidx.compose.material3.RadioButton
import androidx.compose.ui.Alignment
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.compositionLocalOf
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.dp
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.launch
import tongban.viewmodels.ApplicationsViewModel
import tongban.viewmodels.DraftsViewModel
import tongban.viewmodels.GuideViewModel
import tongban.viewmodels.LoginViewModel
import tongban.viewmodels.SearchViewModel
import tongban.viewmodels.UiError
import uniffi.tongban_mobile.Keep
import uniffi.tongban_core.QuestionKind
import uniffi.tongban_core.QuestionView
import uniffi.tongban_mobile.TongbanClient
import uniffi.tongban_mobile.message

private val LocalLanguage = compositionLocalOf { "zh-CN" }
private val LocalCare = compositionLocalOf { false }

@Composable
private fun t(id: String, vararg args: Pair<String, String>): String =
    message(id, LocalLanguage.current, args.toMap())

/// A touch target: 60 dp in care mode, 48 dp otherwise.
private fun Modifier.target(care: Boolean) = this.heightIn(min = if (care) 60.dp else 48.dp)

@Composable
fun TongbanApp(client: TongbanClient, language: String, speaker: AndroidSpeaker, deepLink: String?) {
    // Care mode is remembered on the device, like the web's.
    val preferences = LocalContext.current.getSharedPreferences("tongban", android.content.Context.MODE_PRIVATE)
    var care by remember { mutableStateOf(preferences.getBoolean("care", false)) }
    val density = LocalDensity.current
    // Care mode: text 25 % larger (20 sp body at the default size), the same as the web's.
    val scaled = Density(density.density, density.fontScale * if (care) 1.25f else 1f)
    val navigation = rememberNavController()
    val search = remember { SearchViewModel(client, language) }
    val guide = remember { GuideViewModel(client, language) }
    val drafts = remember { DraftsViewModel(client, language) }
    val applications = remember { ApplicationsViewModel(client, language) }
    val login = remember { LoginViewModel(client, language) }
    LaunchedEffect(Unit) {
        search.refreshCatalog()
        drafts.sync()
        deepLink?.let { path ->
            when {
                path.startsWith("/matter/") -> navigation.navigate("guide/${path.removePrefix("/matter/")}")
                path.startsWith("/applications/") -> navigation.navigate("application/${path.removePrefix("/applications/")}")
                path == "/drafts" -> navigation.navigate("drafts")
            }
        }
    }
    CompositionLocalProvider(LocalLanguage provides language, LocalCare provides care, LocalDensity provides scaled) {
        MaterialTheme {
            Scaffold(topBar = {
                TopAppBar(
                    title = { Text(t("app-name")) },
                    actions = {
                        OutlinedButton(onClick = { care = !care; preferences.edit().putBoolean("care", care).apply() }, modifier = Modifier.target(care)) {
                            Text(t(if (care) "care-mode-leave" else "care-mode-enter"))
                        }
                    },
                )
            }) { padding ->
                NavHost(navigation, startDestination = "home", modifier = Modifier.padding(padding)) {
                    composable("home") { HomeScreen(search, onOpen = { navigation.navigate("guide/$it") }, onDrafts = { navigation.navigate("drafts") }, onApplications = { navigation.navigate("applications") }) }
                    composable("guide/{code}") { entry ->
                        val code = entry.arguments?.getString("code").orEmpty()
                        GuideScreen(guide, code, speaker, onApply = {
                            navigation.navigate(if (login.state.value.account == null) "login" else "form/new/$code")
                        })
                    }
                    composable("form/new/{code}") { entry -> FormScreen(drafts, entry.arguments?.getString("code").orEmpty(), draftId = null) }
                    composable("form/{draft}") { entry -> FormScreen(drafts, formId = null, draftId = entry.arguments?.getString("draft")) }
                    composable("drafts") { DraftsScreen(drafts, onOpen = { navigation.navigate("form/$it") }) }
                    composable("applications") { ApplicationsScreen(applications, onOpen = { navigation.navigate("application/$it") }) }
                    composable("application/{id}") { entry -> ApplicationScreen(applications, entry.arguments?.getString("id").orEmpty()) }
                    composable("login") { LoginScreen(login, onDone = { navigation.popBackStack() }) }
                }
            }
        }
    }
}

@Composable
private fun ErrorText(error: UiError?) {
    error?.let { Text(it.text, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(vertical = 8.dp)) }
}

/// One tappable line of a list (a matter, a draft, an application).
@Composable
private fun LinkRow(text: String, onClick: () -> Unit) {
    Text(text, modifier = Modifier.fillMaxWidth().target(LocalCare.current).clickable(onClick = onClick).padding(vertical = 12.dp))
}

@Composable
private fun Heading(text: String) {
    Text(text, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() }.padding(vertical = 8.dp))
}

@Composable
private fun HomeScreen(search: SearchViewModel, onOpen: (String) -> Unit, onDrafts: () -> Unit, onApplications: () -> Unit) {
    val state by search.state.collectAsState()
    val care = LocalCare.current
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Heading(t("home-heading"))
        OutlinedTextField(
            value = state.query,
            onValueChange = { search.search(it) },
            label = { Text(t("search-label")) },
            modifier = Modifier.fillMaxWidth().target(care),
        )
        if (state.offline) Text(t("catalog-offline"))
        ErrorText(state.error)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedButton(onClick = onDrafts, modifier = Modifier.target(care)) { Text(t("drafts-heading")) }
            OutlinedButton(onClick = onApplications, modifier = Modifier.target(care)) { Text(t("applications-heading")) }
        }
        LazyColumn {
            items(state.results) { hit ->
                val name = if (LocalLanguage.current.startsWith("en")) hit.matter.name.en ?: hit.matter.name.zh else hit.matter.name.zh
                LinkRow(name) { onOpen(hit.matter.code) }
            }
        }
    }
}

@Composable
private fun GuideScreen(model: GuideViewModel, code: String, speaker: AndroidSpeaker, onApply: () -> Unit) {
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    val care = LocalCare.current
    LaunchedEffect(code) { model.load(code) }
    val guide = state.guide
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { ErrorText(state.error) }
        if (guide != null) {
            item { Heading(guide.name) }
            item { Text(guide.department) }
            if (guide.fromCache) item { Text(t("catalog-offline")) }
            item {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    if (guide.hasForm) Button(onClick = onApply, modifier = Modifier.target(care)) { Text(t("apply-start")) }
                    OutlinedButton(onClick = { scope.launch { model.readAloud(speaker) } }, modifier = Modifier.target(care)) { Text(t("read-aloud")) }
                }
            }
            item { Heading(t("guide-conditions")) }
            items(guide.conditions) { Text("· $it") }
            item { Heading(t("guide-materials")) }
            items(guide.materials) { Text("· $it") }
            item { Heading(t("guide-steps")) }
            items(guide.steps) { Text(it) }
            item { Text(t("guide-consultation", "phone" to guide.consultationPhone)) }
        }
    }
}

@Composable
private fun FormScreen(drafts: DraftsViewModel, formId: String?, draftId: String?) {
    val state by drafts.state.collectAsState()
    val scope = rememberCoroutineScope()
    val care = LocalCare.current
    var id by remember { mutableStateOf(draftId) }
    LaunchedEffect(formId) {
        if (id == null && formId != null) id = drafts.start(formId) else drafts.reload()
        id?.let { drafts.open(it) }
    }
    val draft = state.drafts.firstOrNull { it.id == id } ?: return
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { ErrorText(state.error) }
        if (state.offline) item { Text(t("apply-offline")) }
        items(draft.conflicts) { conflict ->
            Column {
                Text(t("apply-conflict", "field" to conflict.path))
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = { scope.launch { drafts.keep(draft.id, conflict.path, Keep.MINE) } }, modifier = Modifier.target(care)) { Text(conflict.mine ?: "—") }
                    OutlinedButton(onClick = { scope.launch { drafts.keep(draft.id, conflict.path, Keep.THEIRS) } }, modifier = Modifier.target(care)) { Text(conflict.theirs ?: "—") }
                }
            }
        }
        items(state.questions) { question ->
            val error = (draft.submitErrors + state.problems).firstOrNull { it.path == question.path }
            QuestionField(drafts, draft.id, question, error?.let { t("error-${it.code}") })
        }
        item {
            Button(onClick = { scope.launch { if (drafts.check(draft.id)) drafts.submit(draft.id) } }, modifier = Modifier.fillMaxWidth().target(care)) { Text(t("apply-submit")) }
        }
        draft.receipt?.let { receipt -> item { Text(t("application-receipt", "receipt" to receipt)) } }
    }
}

/// One question, with the input its kind needs: choices as radio buttons or check boxes, a
/// document as a photo or file (or 容缺 where allowed), the rest as text with the right keyboard.
@Composable
private fun QuestionField(drafts: DraftsViewModel, draftId: String, question: QuestionView, error: String?) {
    val scope = rememberCoroutineScope()
    val care = LocalCare.current
    val context = LocalContext.current
    val title = question.label + if (question.required) "" else " " + t("apply-optional")
    Column(Modifier.padding(vertical = 8.dp)) {
        when (question.kind) {
            QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE -> {
                Text(title, style = MaterialTheme.typography.titleMedium)
                val chosen = question.chosen.toSet()
                question.choices.forEach { choice ->
                    val selected = choice.value in chosen
                    val next = when {
                        question.kind == QuestionKind.SINGLE_CHOICE -> listOf(choice.value)
                        selected -> (chosen - choice.value).toList()
                        else -> (chosen + choice.value).toList()
                    }
                    Row(
                        Modifier.fillMaxWidth().target(care)
                            .selectable(selected = selected, onClick = { scope.launch { drafts.choose(draftId, question, next) } }),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        if (question.kind == QuestionKind.SINGLE_CHOICE) RadioButton(selected, onClick = null) else Checkbox(selected, onCheckedChange = null)
                        Text(choice.label, Modifier.padding(start = 8.dp))
                    }
                }
            }
            QuestionKind.MATERIAL -> {
                Text(title, style = MaterialTheme.typography.titleMedium)
                if (question.answer != null) Text(question.display)
                val pick = rememberLauncherForActivityResult(ActivityResultContracts.GetContent()) { uri ->
                    if (uri != null) scope.launch {
                        val bytes = context.contentResolver.openInputStream(uri)?.use { it.readBytes() } ?: return@launch
                        drafts.attach(draftId, question.path, bytes, uri.lastPathSegment ?: "document")
                    }
                }
                Button(onClick = { pick.launch("*/*") }, modifier = Modifier.fillMaxWidth().target(care)) { Text(t("material-upload")) }
                if (question.laterAllowed) {
                    OutlinedButton(onClick = { scope.launch { drafts.later(draftId, question.path) } }, modifier = Modifier.fillMaxWidth().target(care)) { Text(t("material-later")) }
                }
            }
            else -> {
                var value by remember(question.path) { mutableStateOf(question.answer.orEmpty()) }
                val keyboard = when (question.kind) {
                    QuestionKind.NUMBER -> KeyboardType.Decimal
                    QuestionKind.MOBILE -> KeyboardType.Phone
                    QuestionKind.REGION -> KeyboardType.Number
                    else -> KeyboardType.Text
                }
                OutlinedTextField(
                    value = value,
                    onValueChange = {
                        value = it
                        scope.launch { drafts.answer(draftId, question.path, it); drafts.open(draftId) }
                    },
                    label = { Text(title) },
                    isError = error != null,
                    keyboardOptions = KeyboardOptions(keyboardType = keyboard),
                    modifier = Modifier.fillMaxWidth().target(care),
                )
            }
        }
        (error ?: question.hint)?.let { Text(it, color = if (error != null) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant) }
    }
}

@Composable
private fun DraftsScreen(drafts: DraftsViewModel, onOpen: (String) -> Unit) {
    val state by drafts.state.collectAsState()
    LaunchedEffect(Unit) { drafts.sync() }
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { Heading(t("drafts-heading")) }
        item { ErrorText(state.error) }
        if (state.pending > 0) item { Text(t("drafts-unsynced")) }
        if (state.drafts.isEmpty()) item { Text(t("drafts-empty")) }
        items(state.drafts) { draft ->
            LinkRow(draft.formId) { onOpen(draft.id) }
        }
    }
}

@Composable
private fun ApplicationsScreen(model: ApplicationsViewModel, onOpen: (String) -> Unit) {
    val state by model.state.collectAsState()
    LaunchedEffect(Unit) { model.reload() }
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { Heading(t("applications-heading")) }
        item { ErrorText(state.error) }
        items(state.applications) { app ->
            LinkRow(t("application-receipt", "receipt" to app.receipt)) { onOpen(app.id) }
        }
    }
}

@Composable
private fun ApplicationScreen(model: ApplicationsViewModel, id: String) {
    val state by model.state.collectAsState()
    LaunchedEffect(id) { model.open(id) }
    val app = state.open ?: return
    val scope = rememberCoroutineScope()
    val care = LocalCare.current
    val supplied = remember(app.id) { androidx.compose.runtime.mutableStateMapOf<String, String>() }
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        item { Heading(t("application-receipt", "receipt" to app.receipt)) }
        item { ErrorText(state.error) }
        // A supplement (补正) asks for some answers again: only those are asked.
        items(app.requestedFields) { path ->
            OutlinedTextField(
                value = supplied[path].orEmpty(),
                onValueChange = { supplied[path] = it },
                label = { Text(path) },
                modifier = Modifier.fillMaxWidth().target(care),
            )
        }
        if (app.requestedFields.isNotEmpty()) item {
            Button(onClick = { scope.launch { model.supply(app.id, supplied.toMap()) } }, modifier = Modifier.fillMaxWidth().target(care)) {
                Text(t("application-supplement-submit"))
            }
        }
        items(app.timeline) { event ->
            Column(Modifier.padding(vertical = 8.dp)) {
                Text(t("status-${event.status.name.lowercase().replace('_', '-')}"), style = MaterialTheme.typography.titleMedium)
                if (event.message.isNotEmpty()) Text(event.message)
            }
        }
    }
}

@Composable
private fun LoginScreen(model: LoginViewModel, onDone: () -> Unit) {
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    val care = LocalCare.current
    var phone by remember { mutableStateOf("") }
    var code by remember { mutableStateOf("") }
    LaunchedEffect(state.account) { if (state.account != null) onDone() }
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Heading(t("login-heading"))
        OutlinedTextField(phone, { phone = it }, label = { Text(t("login-phone-label")) }, modifier = Modifier.fillMaxWidth().target(care))
        Button(onClick = { scope.launch { model.sendCode(phone) } }, enabled = !state.busy, modifier = Modifier.fillMaxWidth().target(care)) { Text(t("login-send-code")) }
        state.codeSentTo?.let {
            OutlinedTextField(code, { code = it }, label = { Text(t("login-code-label")) }, modifier = Modifier.fillMaxWidth().target(care))
            Button(onClick = { scope.launch { model.logIn(code) } }, enabled = !state.busy, modifier = Modifier.fillMaxWidth().target(care)) { Text(t("login-submit")) }
        }
        ErrorText(state.error)
    }
}
