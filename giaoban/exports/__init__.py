"""Output formats every app shares: Excel sheets (`xlsx`), Word documents in the official
layouts (`docx`), and server-rendered SVG charts (`charts`). Foundation: imports no app."""
