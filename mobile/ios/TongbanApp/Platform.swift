// The platform side of the traits core defines: the session token and the draft keys in the
// Keychain (this device only, after first unlock), and speech through AVSpeechSynthesizer.
import AVFoundation
import Foundation
import Security
import TongbanCore

private func keychainRead(_ account: String) -> Data? {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "cn.tongban",
        kSecAttrAccount as String: account,
        kSecReturnData as String: true,
    ]
    var item: CFTypeRef?
    guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess else { return nil }
    return item as? Data
}

private func keychainWrite(_ account: String, _ data: Data?) {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "cn.tongban",
        kSecAttrAccount as String: account,
    ]
    SecItemDelete(query as CFDictionary)
    guard let data else { return }
    var add = query
    add[kSecValueData as String] = data
    add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
    SecItemAdd(add as CFDictionary, nil)
}

final class KeychainSecretStore: SecretStore {
    func load() -> String? { keychainRead("session").flatMap { String(data: $0, encoding: .utf8) } }
    func save(token: String) { keychainWrite("session", token.data(using: .utf8)) }
    func clear() { keychainWrite("session", nil) }
}

final class KeychainDraftKeys: DraftKeys {
    private let lock = NSLock()
    func draftKey(accountId: String) -> Data {
        lock.lock(); defer { lock.unlock() }
        let name = "draft-key-\(accountId)"
        if let key = keychainRead(name) { return key }
        var key = Data(count: 32)
        _ = key.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        keychainWrite(name, key)
        return key
    }
}

final class AvSpeaker: Speaker {
    private let synthesizer = AVSpeechSynthesizer()
    func speak(text: String, language: String) {
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = AVSpeechSynthesisVoice(language: language)
        synthesizer.speak(utterance)
    }
    func stop() { synthesizer.stopSpeaking(at: .immediate) }
}
