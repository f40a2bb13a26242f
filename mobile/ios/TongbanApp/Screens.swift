import SwiftUI
import TongbanCore

private var language: String { Locale.preferredLanguages.first ?? "zh-CN" }

struct SearchScreen: View {
    let client: TongbanClient
    @State private var query = ""
    @State private var hits: [MatterHit] = []
    @State private var offline = false

    var body: some View {
        List {
            TextField(t("search-label"), text: $query)
                .onChange(of: query) { _, text in hits = (try? client.search(query: text, limit: 20)) ?? [] }
            if offline { Text(t("catalog-offline")) }
            ForEach(hits, id: \.matter.code) { hit in
                NavigationLink(hit.matter.name.zh) { GuideScreen(client: client, code: hit.matter.code) }
            }
        }
        .navigationTitle(t("home-heading"))
        .task {
            do { _ = try await client.refreshCatalog() } catch { offline = true }
        }
    }
}

struct GuideScreen: View {
    let client: TongbanClient
    let code: String
    @State private var guide: GuideView?
    @State private var error: String?
    private let speaker = AvSpeaker()

    var body: some View {
        List {
            if let error { Text(error).foregroundStyle(.red) }
            if let guide {
                Text(guide.department)
                if guide.fromCache { Text(t("catalog-offline")) }
                Button(t("read-aloud")) { Task { _ = try? await client.readGuideAloud(code: code, language: language, speaker: speaker) } }
                if guide.hasForm { NavigationLink(t("apply-start")) { FormScreen(client: client, formId: code) } }
                Section(t("guide-conditions")) { ForEach(guide.conditions, id: \.self) { Text($0) } }
                Section(t("guide-materials")) { ForEach(guide.materials, id: \.self) { Text($0) } }
                Section(t("guide-steps")) { ForEach(guide.steps, id: \.self) { Text($0) } }
            }
        }
        .navigationTitle(guide?.name ?? "")
        .task {
            do { guide = try await client.guide(code: code, language: language) } catch { self.error = describe(error) }
        }
    }
}

struct FormScreen: View {
    let client: TongbanClient
    let formId: String
    @State private var draftId: String?
    @State private var draft: DraftView?
    @State private var questions: [QuestionView] = []
    @State private var problems: [FieldError] = []
    @State private var error: String?

    var body: some View {
        List {
            if let error { Text(error).foregroundStyle(.red) }
            if let draft {
                ForEach(draft.conflicts, id: \.path) { conflict in
                    VStack(alignment: .leading) {
                        Text(t("apply-conflict", ["field": conflict.path]))
                        Button(conflict.mine ?? "—") { resolve(conflict.path, .mine) }
                        Button(conflict.theirs ?? "—") { resolve(conflict.path, .theirs) }
                    }
                }
                ForEach(questions, id: \.path) { question in
                    QuestionRow(question: question, problem: problems.first { $0.path == question.path }) { answer in
                        Task {
                            switch answer {
                            case .text(let text): try? await client.setTextAnswer(draftId: draft.id, path: question.path, text: text)
                            case .choices(let values): try? await client.setChoicesAnswer(draftId: draft.id, path: question.path, values: values)
                            case .later: try? await client.promiseMaterialLater(draftId: draft.id, path: question.path)
                            }
                            await reload()
                        }
                    }
                }
                Button(t("apply-submit")) {
                    Task {
                        // The server's rules, checked on the phone first.
                        problems = (try? await client.checkAnswers(draftId: draft.id)) ?? []
                        guard problems.isEmpty else { return }
                        try? await client.submitDraft(draftId: draft.id)
                        _ = try? await client.sync()
                        await reload()
                    }
                }
                if let receipt = draft.receipt { Text(t("application-receipt", ["receipt": receipt])) }
            }
        }
        .task {
            do {
                draftId = try await client.createDraft(formId: formId)
                await reload()
            } catch { self.error = describe(error) }
        }
    }

    private func resolve(_ path: String, _ keep: Keep) {
        guard let id = draftId else { return }
        Task { try? await client.resolveConflict(draftId: id, path: path, keep: keep); await reload() }
    }

    private func reload() async {
        guard let id = draftId else { return }
        draft = (try? await client.drafts())?.first { $0.id == id }
        questions = (try? await client.questions(draftId: id, language: language)) ?? []
    }
}

enum AnswerInput {
    case text(String?)
    case choices([String])
    case later
}

/// One question with the input its kind needs.
struct QuestionRow: View {
    let question: QuestionView
    let problem: FieldError?
    let answer: (AnswerInput) -> Void

    var body: some View {
        VStack(alignment: .leading) {
            switch question.kind {
            case .singleChoice:
                Picker(question.label, selection: Binding(
                    get: { question.answer ?? "" },
                    set: { answer(.text($0)) })) {
                    ForEach(question.choices, id: \.value) { Text($0.label).tag($0.value) }
                }
            case .multipleChoice:
                Text(question.label)
                let chosen = Set(question.chosen)
                ForEach(question.choices, id: \.value) { choice in
                    Toggle(choice.label, isOn: Binding(
                        get: { chosen.contains(choice.value) },
                        set: { on in answer(.choices(Array(on ? chosen.union([choice.value]) : chosen.subtracting([choice.value])))) }))
                }
            case .material:
                Text(question.label)
                if question.answer != nil { Text(question.display) }
                if question.laterAllowed { Button(t("material-later")) { answer(.later) } }
            default:
                TextField(question.label, text: Binding(get: { question.answer ?? "" }, set: { answer(.text($0)) }))
            }
            if let problem { Text(t("error-\(problem.code)")).foregroundStyle(.red) }
            else if let hint = question.hint { Text(hint).foregroundStyle(.secondary) }
        }
    }
}

struct DraftsScreen: View {
    let client: TongbanClient
    @State private var drafts: [DraftView] = []

    var body: some View {
        List(drafts, id: \.id) { draft in Text(draft.formId) }
            .navigationTitle(t("drafts-heading"))
            .task {
                _ = try? await client.sync()
                drafts = (try? await client.drafts()) ?? []
            }
    }
}

struct ApplicationsScreen: View {
    let client: TongbanClient
    @State private var applications: [ApplicationSummary] = []

    var body: some View {
        List(applications, id: \.id) { app in Text(t("application-receipt", ["receipt": app.receipt])) }
            .navigationTitle(t("applications-heading"))
            .task { applications = (try? await client.applications()) ?? [] }
    }
}

/// An error from core in the person's words.
func describe(_ error: Error) -> String {
    switch error as? ApiError {
    case .Network?: return t("error-network")
    case .Unauthorized?: return t("error-unauthorized")
    case .Validation(let code, _, let fields)?: return t("error-\(fields.first?.code ?? code)")
    case .Conflict(let code, _)?: return t("error-\(code)")
    case .Forbidden(let code)?: return t("error-\(code)")
    case .NotFound?: return t("error-not-found")
    case .Storage?: return t("error-storage")
    default: return t("error-server")
    }
}
