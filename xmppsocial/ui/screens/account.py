"""First run: which account to use. Writes the config file; never the password."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select


@dataclass(frozen=True, slots=True)
class AccountForm:
    jid: str
    password: str
    remember: bool
    server: str
    ca_file: str
    allow_invalid_certificate: bool
    audience: str = "open"  # who may read my blog, when it is created


class AccountScreen(ModalScreen[AccountForm | None]):
    DEFAULT_CSS = """
    AccountScreen { align: center middle; }
    #account { width: 76; height: auto; border: thick $accent; background: $surface;
               padding: 1 2; }
    #account Label { margin-top: 1; }
    #account-error { color: $error; }
    #account-buttons { height: 3; align-horizontal: right; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Skip (stay offline)")]

    def compose(self) -> ComposeResult:
        with Vertical(id="account"):
            yield Label("Welcome to xmppsocial. Which XMPP account should it use?",
                        markup=False)
            yield Label("Address (JID)", markup=False)
            yield Input(placeholder="alice@example.org", id="jid")
            yield Label("Password", markup=False)
            yield Input(password=True, id="password")
            yield Checkbox("Remember the password in the system keyring", True, id="remember")
            yield Label("Who may read your blog (all your posts; you can change it later)",
                        markup=False)
            yield Select([("Anyone: public, as Movim's Follow button expects", "open"),
                          ("Only my contacts", "presence")], value="open",
                         allow_blank=False, id="audience")
            with Collapsible(title="Advanced", collapsed=True):
                yield Label("Server (only if DNS does not point to it)", markup=False)
                yield Input(placeholder="host:5222", id="server")
                yield Label("Trust this CA / certificate file", markup=False)
                yield Input(placeholder="/path/to/ca.pem", id="ca-file")
                yield Checkbox("Allow an invalid certificate (not recommended)", False,
                               id="insecure")
            yield Label("", id="account-error", markup=False)
            with Horizontal(id="account-buttons"):
                yield Button("Stay offline", id="skip")
                yield Button("Connect", id="connect", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#jid", Input).focus()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def on_input_submitted(self) -> None:
        self.action_connect()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "connect":
            self.action_connect()
        else:
            self.action_cancel()

    def action_connect(self) -> None:
        jid, password = self._value("#jid"), self.query_one("#password", Input).value
        error = ""
        if "@" not in jid or "/" in jid or jid.startswith("@") or jid.endswith("@"):
            error = "The address looks like name@server.example."
        elif not password:
            error = "The password is needed to connect."
        self.query_one("#account-error", Label).update(error)
        if error:
            return
        self.dismiss(AccountForm(jid, password, self.query_one("#remember", Checkbox).value,
                                 self._value("#server"), self._value("#ca-file"),
                                 self.query_one("#insecure", Checkbox).value,
                                 str(self.query_one("#audience", Select).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)
