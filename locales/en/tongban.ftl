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
