"""Okta's provisioning to the other twins: app connections, pushes and their delivery.

- `connections`: the Application Connections API's domain (the default connection of an
  app, its auth scheme, target and status).
- `triggers`: what a Management API change means for provisioning (assignment, profile
  update, unassignment, lifecycle) -> `ProvisioningPush` rows in the same transaction.
- `engine`: delivers those pushes through the core delivery queue (retries, backoff), and
  reloads the ones still pending when the twin starts; System Log events per outcome.
- `slack` / `google`: how a push is carried out against each target's API.
- `seeding`: apps with connections and already-provisioned app users, for the universe.
"""
