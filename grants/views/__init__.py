"""Views of the grants app, one module per side: apply (associations), evaluation (staff,
reviewers, committee) and followup (funded projects)."""
