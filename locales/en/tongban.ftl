# Tongban messages — English. Ids and placeholders match zh-CN exactly.

app-name = Tongban
app-tagline = Government services, all in one place
skip-to-content = Skip to main content
home-heading = Services
home-intro = Choose a service to read its guide and apply online.
matters-loading = Loading services…
matters-empty = No services are available yet.
matters-count = { $count ->
        [one] { $count } service
       *[other] { $count } services
    }
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
offline-notice = You are offline. This is what was saved last time.
error-network = Could not connect. Check your connection and try again.
error-unauthorized = Your session has expired. Please log in again.
error-not-found = Nothing was found.
error-conflict = This was changed on another device. Please check it before sending.
error-validation = Some answers need fixing. Please follow the hints.
error-server = The service is unavailable right now. Please try again later.
