"""The login screen: user name, masked password, then the two-factor step when the account
needs it (choose sms or email, enter the code); for EEN API v3 the browser step (the address to
open, the hints, an edit box for the address the browser ended on or the code). Errors are
shown inline, in words. The network work is the app's: this screen only collects input and
shows state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import urwid

from een_tui.ui import keymap


@dataclass
class LoginActions:
    """What the app does with the input."""

    submit_credentials: Callable[[str, str], None]
    send_code: Callable[[str], None]  # "sms" or "email"
    submit_code: Callable[[str], None]
    paste: Callable[[str], None] | None = None  # v3: the pasted address or code
    cancel: Callable[[], None] | None = None  # v3: Esc, the browser login is closed
    start_browser: Callable[[], None] | None = None  # v3: Enter, a new browser login


class LoginScreen(urwid.WidgetWrap):
    """A small centred form; ``step`` is ``credentials``, ``method`` or ``code``."""

    def __init__(self, actions: LoginActions, *, username: str = "", server: str = "") -> None:
        self.actions = actions
        self.step = "credentials"
        self.busy = False
        self.username = urwid.Edit(("title", "User name  "), username)
        self.password = urwid.Edit(("title", "Password   "), mask="•")
        self.code = urwid.Edit(("title", "Code       "))
        self.pasted = urwid.Edit(("title", "Address or code "))
        # the typed text gets a field background, brighter in the field that has the keyboard
        self._fields = {
            edit: urwid.AttrMap(edit, "edit", "edit_focus")
            for edit in (self.username, self.password, self.code, self.pasted)
        }
        self.status = urwid.Text("")
        self.method_group: list[urwid.RadioButton] = []
        self._methods: list[str] = []  # "sms", "email": one per radio button
        self.server = server
        self._pile = urwid.Pile([])
        box = urwid.LineBox(urwid.Padding(self._pile, left=1, right=1), title="Eagle Eye Networks")
        self._boxed = urwid.Filler(
            urwid.Padding(box, align="center", width=("relative", 80), min_width=30))
        # the browser step has no frame: an address wrapped over lines copies without "│"
        self._open = urwid.Filler(urwid.Padding(self._pile, left=1, right=1))
        super().__init__(self._boxed)
        self._show_credentials()

    # ---- steps --------------------------------------------------------------------------------

    def _first_edit_index(self) -> int:
        return 2 if self.server else 1

    def _intro(self, text: str) -> list[urwid.Widget]:
        widgets: list[urwid.Widget] = [urwid.Text(text)]
        if self.server:
            widgets.insert(0, urwid.Text(("dim", self.server)))
        return widgets

    def _set(self, widgets: list[urwid.Widget], focus: int) -> None:
        self._w = self._open if self.step.startswith("browser") else self._boxed
        self._pile.contents = [(w, self._pile.options()) for w in widgets]
        self._pile.focus_position = focus

    def show_browser_start(self, text: str) -> None:
        """v3 before (or after a cancelled) browser login: Enter starts one."""
        self.step = "browser_start"
        self.busy = False
        widgets = [*self._intro("EEN API v3: log in to EEN in a web browser."), urwid.Divider(),
                   self.status]
        self.status.set_text(("notice", text))
        self._set(widgets, len(widgets) - 1)

    def show_open_url(self, url: str, hints: tuple[str, ...], paste_help: str) -> None:
        """v3: the address to open (whole, wrapped anywhere, no frame around it so that it
        copies exactly), the hints, and the edit box for the address the browser ended on."""
        self.step = "browser"
        self.busy = False
        self.pasted.set_edit_text("")
        widgets = [
            *self._intro("Open this address in a web browser and log in to EEN:"),
            urwid.Divider(),
            urwid.Text(("title", url), wrap="any"),
            urwid.Divider(),
            *(urwid.Text(("dim", hint)) for hint in hints),
            urwid.Text(paste_help),
            self._fields[self.pasted],
            urwid.Divider(),
            self.status,
        ]
        self.status.set_text(("dim", "Waiting for the browser…"))
        self._set(widgets, len(widgets) - 3)

    def _show_credentials(self) -> None:
        self.step = "credentials"
        self.busy = False
        self.status.set_text("")
        widgets = [
            *self._intro("Log in to your EEN account."),
            self._fields[self.username],
            self._fields[self.password],
            urwid.Divider(),
            self.status,
        ]
        # the password when the user name is known already
        self._set(widgets, self._first_edit_index() + bool(self.username.edit_text))

    def show_methods(self, destinations: dict[str, str]) -> None:
        """Two-factor step 1: choose where the code goes."""
        self.step = "method"
        self.busy = False
        self.method_group = []
        buttons = [
            urwid.RadioButton(self.method_group, f"{method}: {where}")
            for method, where in destinations.items()
        ]
        self._methods = list(destinations)
        widgets = [
            *self._intro("This account uses two-factor authentication. Send the code by:"),
            *buttons,
            urwid.Divider(),
            self.status,
        ]
        self.status.set_text(("dim", "Enter sends the code"))
        self._set(widgets, self._first_edit_index())

    def show_code_entry(self, method: str, destination: str) -> None:
        """Two-factor step 2: type the code that was sent."""
        self.step = "code"
        self.busy = False
        widgets = [
            *self._intro(f"EEN sent a 4-digit code by {method} to {destination}."),
            self._fields[self.code],
            urwid.Divider(),
            self.status,
        ]
        self.status.set_text(("dim", "Enter logs in"))
        self._set(widgets, self._first_edit_index())

    def show_error(self, text: str) -> None:
        """An inline error (wrong password, account locked, network...)."""
        self.busy = False
        self.status.set_text(("error", text))

    def show_busy(self, text: str) -> None:
        """Waiting for the server: Enter does nothing until an answer or error arrives."""
        self.busy = True
        self.status.set_text(("notice", text))

    def restart(self, error: str | None = None) -> None:
        """Back to the first step (e.g. after a locked two-factor)."""
        self.password.set_edit_text("")
        self.code.set_edit_text("")
        self._show_credentials()
        if error:
            self.show_error(error)

    @property
    def footer_hints(self) -> list[tuple[str, str]]:
        """Key hints for the footer of the current step."""
        if self.step == "browser":
            return [("Enter", "use the pasted address"), ("Esc", "cancel"),
                    *keymap.hint(keymap.LOGIN, ("interrupt",))]
        if self.step == "browser_start":
            return [("Enter", "log in in a browser"), *keymap.hint(keymap.LOGIN, ("interrupt",))]
        if self.step == "credentials":
            return [
                ("Enter", "log in"),
                *keymap.hint(keymap.LOGIN, ("next_field", "interrupt")),
            ]
        if self.step == "method":
            return [
                ("Enter", "send the code"),
                ("↑↓", "choose"),
                *keymap.hint(keymap.LOGIN, ("login_back", "interrupt")),
            ]
        return [("Enter", "log in"), *keymap.hint(keymap.LOGIN, ("login_back", "interrupt"))]

    # ---- keys ---------------------------------------------------------------------------------

    def selectable(self) -> bool:
        """Always: Enter must reach the screen even on a step without an edit box."""
        return True

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """Form keys; Ctrl+C (and ``q``/``?`` while choosing a method) go up to the app."""
        command = keymap.command_for(key, keymap.LOGIN, include_global=False)
        if self.busy and command == "submit":
            return None
        if command == "submit":
            self._submit()
            return None
        if command in ("next_field", "prev_field"):
            self._move(1 if command == "next_field" else -1)
            return None
        if command == "login_back":
            if self.step == "browser" and self.actions.cancel is not None:
                self.actions.cancel()
            elif self.step == "browser_start":
                pass
            elif self.step != "credentials" and not self.busy:
                self.restart()
            return None
        if key in ("q", "?") and self.step == "method":
            return key
        return super().keypress(size, key)

    def _focusable(self) -> list[int]:
        return [i for i, (w, _) in enumerate(self._pile.contents) if w.selectable()]

    def _move(self, step: int) -> None:
        positions = self._focusable()
        if not positions:
            return
        current = self._pile.focus_position
        index = positions.index(current) if current in positions else 0
        self._pile.focus_position = positions[(index + step) % len(positions)]

    def _submit(self) -> None:
        if self.step == "browser":
            text = self.pasted.edit_text.strip()
            if not text:
                self.show_error("Paste the address the browser ended on, or the code.")
                return
            if self.actions.paste is not None:
                self.show_busy("Checking the code…")
                self.actions.paste(text)
        elif self.step == "browser_start":
            if self.actions.start_browser is not None:
                self.show_busy("Starting the login…")
                self.actions.start_browser()
        elif self.step == "credentials":
            if self._pile.focus is self._fields[self.username] and not self.password.edit_text:
                self._move(1)
                return
            name = self.username.edit_text.strip()
            if not name:
                self.show_error("Enter your user name.")
                return
            if not self.password.edit_text:
                self.show_error("Enter your password.")
                return
            self.show_busy("Logging in…")
            self.actions.submit_credentials(name, self.password.edit_text)
        elif self.step == "method":
            # Enter sends by the method under the cursor (Space also marks it).
            focused = self._pile.focus
            if focused in self.method_group:
                chosen = focused
            else:
                chosen = next((b for b in self.method_group if b.state), self.method_group[0])
            chosen.set_state(True)
            method = self._methods[self.method_group.index(chosen)]
            self.show_busy(f"Sending the code by {method}…")
            self.actions.send_code(method)
        elif self.step == "code":
            code = self.code.edit_text.strip()
            if not code:
                self.show_error("Enter the code.")
                return
            self.show_busy("Checking the code…")
            self.actions.submit_code(code)
