"""``xmppsocial demo``: the TUI on a throwaway local Prosody with sample blogs."""
