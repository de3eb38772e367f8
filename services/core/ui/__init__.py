"""Machinery shared by the twins' web UIs (no vendor knowledge here).

- `templates.py`: a Jinja2 environment per UI (its own templates, then the core layouts);
- `session.py`: the signed sign-in cookie, the signed-in `UiUser`, journal marking;
- `sign_in.py`: the sign-in page every twin serves (vendor form, Okta SSO, dev one-click);
- `sse.py`: server-sent event streams for live pages;
- `static/`: one stylesheet and a little plain JavaScript, served at `/_dtu/ui/static/`.
"""
