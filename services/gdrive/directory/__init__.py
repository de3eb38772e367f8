"""Admin SDK Directory API (directory_v1): users, groups and members under /admin/directory/v1.

Directory users are the twin's users (`services/gdrive/models.py: User`): suspending one
cuts off their access tokens and refuses domain-wide delegation for them, as Google does.
"""
