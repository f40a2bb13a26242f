# Tongban messages — English. Ids and placeholders match zh-CN exactly.

app-name = Tongban
app-tagline = Government services, all in one place
skip-to-content = Skip to main content
home-heading = Find a service
home-intro = Choose a service to read its guide and apply online.
matter-fully-online = Fully online
matter-visits =
    { $count ->
        [0] No visit needed
        [one] At most { $count } visit
       *[other] At most { $count } visits
    }
matter-promised-days =
    { $days ->
        [0] Handled on the spot
        [one] Done within { $days } working day
       *[other] Done within { $days } working days
    }
matter-department = Department: { $department }
matter-type-administrative-licence = Licence
matter-type-administrative-confirmation = Confirmation
matter-type-administrative-payment = Payment
matter-type-public-service = Public service
matter-type-other = Other
audience-person = For individuals
audience-business = For businesses
not-found-heading = Page not found
not-found-back = Back to the home page
retry = Try again
error-network = Could not connect. Check your connection and try again.
error-unauthorized = Your session has expired. Please log in again.
error-not-found = Nothing was found.
error-conflict = This was changed on another device. Please check it before sending.
error-validation = Some answers need fixing. Please follow the hints.
error-server = The service is unavailable right now. Please try again later.
search-label = Search services
search-placeholder = e.g. social security card, ID card
search-hint = Type Chinese characters, pinyin, pinyin initials or English.
search-results-count = { $count ->
        [one] { $count } service found
       *[other] { $count } services found
    }
search-no-results = No services found. Try other words, or browse by life event.
region-label = Region
region-all = All regions
audience-switch-label = Services for
life-events-heading = By life event
popular-heading = Popular services
bundles-heading = Several services in one application
bundle-matters-count = { $count ->
        [one] { $count } service, one application
       *[other] { $count } services, one application
    }
bundle-shared = Information asked only once
bundle-matters = Services included
event-matters = Services
catalog-loading = Loading the service catalog…
guide-loading = Loading the service guide…
guide-at-a-glance = At a glance
guide-time = Time limit
guide-legal-days = { $days ->
        [one] legal limit { $days } working day
       *[other] legal limit { $days } working days
    }
guide-visits = Visits to a hall
guide-fee = Fee
guide-fee-free = Free of charge
guide-channels = How to apply
guide-channel-best = Recommended
channel-online = Online
channel-mobile = In a mobile app
channel-hall = At a service hall
channel-self-service = At a self-service kiosk
channel-post = By post
guide-materials = What you need
material-count = { $count ->
        [one] { $count } copy
       *[other] { $count } copies
    }
material-form-original = Original
material-form-copy = Photocopy
material-form-original-and-copy = Original and photocopy
material-form-electronic = Electronic
material-required = Required
material-optional = If it applies to you
material-later = Can be supplied later
material-certificate = No need to bring: electronic certificate accepted
material-source = Source: { $source }
guide-conditions = Who can apply
guide-steps = Steps
guide-service-points = Where to go
service-point-hours = Opening hours: { $hours }
service-point-call = Call { $phone }
service-point-map = Show on a map
guide-faq = Questions people ask
guide-basis = Legal basis
guide-contact = Questions and complaints
guide-consultation = Questions: { $phone }
guide-complaint = Complaints: { $phone }
guide-cross-province = Can be filed from another province
guide-in-bundles = Filed together with other services
language-label = Language
language-zh-cn = 中文
language-en = English
language-ug = ئۇيغۇرچە
care-mode-enter = Care mode
care-mode-leave = Standard mode
care-prompt-heading = Would you like larger text?
care-prompt-body = Care mode has larger text, larger buttons and fewer choices. You can switch at the top of the page at any time.
care-prompt-keep = Keep standard mode
care-common-heading = Services people use most
care-help-heading = Need help?
care-call-help = Call the 12345 service hotline
care-proxy = Ask a family member to do it for me
proxy-heading = Let a family member handle it for you
proxy-intro = Your children or other family members can handle a service for you once you agree.
proxy-today-heading = What you can do today
proxy-today-hall = A family member brings your ID and a signed letter of authorisation to a service hall.
proxy-today-phone = Call the 12345 hotline: they tell you whether the service can be handled for you and what to bring.
proxy-soon-heading = Coming soon
proxy-soon-body = After logging in, you will be able to let a family member apply online for you, and withdraw that permission at any time.
read-aloud = Read aloud
read-aloud-stop = Stop reading
error-session-expired = You were logged out after a while without use. Log in again: everything you typed is still here.
error-forbidden = You are not allowed to do this.
error-wrong-role = This page is for department staff only.
error-identity-required = This matter needs a verified identity (name and ID number) first.
error-origin-not-allowed = The request came from a site that is not registered and was refused.
error-rate-limited = There were many attempts. To protect your account, please try again after { $time }.
error-identity-taken = This ID number is linked to another account. Log in with that phone number, or ask at a service hall.
error-sms-unavailable = Text messages cannot be sent right now. Please try again later.
error-identity-unavailable = Identity checks are unavailable right now. Please try again later.
error-phone-length = A mobile number has 11 digits.
error-phone-characters = A mobile number has digits only.
error-phone-region = This is not a mainland China mobile number. Check the first two digits.
error-code-format = The code has 6 digits.
error-code-wrong = That code is not right. Check the digits in the text message, or ask for a new code.
error-code-expired = That code has expired. Ask for a new one.
error-name-invalid = Enter your name as it is on your ID card.
error-identity-mismatch = The name and the ID number do not match. Please check both.
error-identity-in-person = Bring your ID card to any service hall, where staff will check it.
error-id-length = An ID number has 18 characters.
error-id-characters = An ID number has digits only; the last one may be X.
error-id-region = The region code (first 6 digits) of this ID number is not right.
error-id-birth-date = The birth date in this ID number is not right.
error-id-checksum = The last character of this ID number does not check out. Compare it digit by digit.
error-staff-login-wrong = Wrong username or password.
login-link = Log in
account-link = My account
login-heading = Log in
login-intro = Log in with your mobile number and a code we text you. No password needed.
login-phone-label = Mobile number
login-phone-hint = A mainland China mobile number; the code comes by text message.
login-send-code = Send me a code
login-code-sent = We sent a code to { $phone }. It works for { $minutes } minutes (until { $time }).
login-code-label = Code
login-code-hint = The 6 digits in the text message
login-submit = Log in
login-resend-from = No text message? You can ask for a new code after { $time }.
login-resend = Send a new code
login-change-phone = Use another number
login-privacy = Your number is used only to log in and to tell you about your applications. It is never given to anyone else.
account-heading = My account
account-loading = Loading your account…
account-me = Account
account-phone = Mobile number
account-level = Identity level
account-name = Name
account-id-number = ID number
account-settings = Settings
account-care-mode = Display
account-logout-heading = Log out
account-logout-hint = When you used someone else's phone, log out when you are done.
logout = Log out
level-phone-verified = Mobile number verified
level-identity-verified = Identity verified
verify-heading = Verify your identity
verify-intro = Many matters need to know who you are. Enter the name and number on your ID card. No face scan is needed.
verify-name = Name
verify-name-hint = As it is on your ID card
verify-id-number = ID number
verify-id-number-hint = 18 characters; the last may be X
verify-submit = Verify
verify-in-person = You can also bring your ID card to any service hall and staff will verify you.
devices-heading = Devices logged in
devices-this-one = This device
devices-last-used = Last used: { $time }
devices-sign-out = Log this device out
activity-heading = Account activity
activity-failed = did not succeed
activity-login = Logged in
activity-logout = Logged out
activity-session-revoked = Logged a device out
activity-session-expired = Logged out after a while without use
activity-identity-verify = Identity verification
activity-code-sent = Login code sent
guide-needs-identity = Applying online needs a verified identity (no face scan)
error-field-required = This needs an answer.
error-field-invalid = This answer is not in the right form.
error-field-too-long = At most { $max } characters.
error-field-address-short = Please give the full address: province, city, district, street and number.
error-field-number = Please enter a number.
error-field-too-small = It cannot be less than { $min }.
error-field-too-large = It cannot be more than { $max }.
error-field-date = Enter the date as year-month-day, for example 2026-11-28.
error-field-date-future = This date cannot be after today.
error-field-date-past = This date cannot be before today.
error-field-choice = Please choose one of the options.
error-field-region = Please choose a region.
error-material-not-accepted = This document must be uploaded; it cannot be supplied later or replaced by an e-certificate.
error-group-too-many = At most { $max } entries.
error-credit-code-length = A unified social credit code has 18 characters.
error-credit-code-characters = A unified social credit code has digits and capital letters only (no I, O, Z, S, V).
error-credit-code-checksum = The last character of this credit code does not check out. Compare it character by character.
error-draft-unknown = This draft was not found.
error-draft-form-mismatch = This draft belongs to another matter.
error-draft-deleted = This draft was deleted.
error-draft-submitted = This application was submitted and cannot be changed.
error-idempotency-key-reused = This draft was already submitted once with different answers.
form-group-applicant = Applicant
form-group-business = Business and the person acting for it
form-group-details = About the application
form-group-materials = Documents
form-company-name = Business name
form-credit-code = Unified social credit code
form-name = Name
form-id-number = ID number
form-id-number-hint = 18 characters; the last may be X
form-phone = Mobile number
form-address = Address
form-address-hint = Province, city, district, street and number
form-request = Notes for the department
form-request-hint = Anything the department should know (optional)
error-status-move-not-allowed = The application cannot move that way from its current status.
error-supplement-not-requested = Nothing needs to be supplied for this application now.
error-field-not-requested = This was not among the things asked for.
status-submitted = Submitted
status-accepted = Accepted
status-in-review = In review
status-supplement-requested = More information needed
status-approved = Approved
status-rejected = Refused
status-completed = Completed
