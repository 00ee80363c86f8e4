"""Channel plugins shipped with the portal. Each sub-package registers itself with the default registry."""
