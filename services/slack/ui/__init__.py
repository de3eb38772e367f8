"""The Slack twin's web UI: a workspace client in the spirit of app.slack.com, plainly ours.

- `acting.py`: a `Call` for the person using the UI, so UI actions run the Web API's own
  method handlers (chat.postMessage, reactions.add, ...) with their events and rules;
- `views.py`: what a page shows (sidebar, history, thread, profile), read through the domain code;
- `mrkdwn.py`: Slack's message formatting rendered to safe HTML;
- `live.py`: new messages pushed to an open channel page (server-sent events);
- `signin.py`: who may sign in (dev sign-in) and sign-in through Okta (OIDC);
- `routes.py`: the pages and form posts.
"""
