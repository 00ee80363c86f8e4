"""Account pages (tài khoản). Thin: each view checks the form, calls a service, and renders or redirects."""
