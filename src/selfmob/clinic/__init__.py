"""The web app's domain: accounts, clients, screening, assessments, plans and sessions."""
