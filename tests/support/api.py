"""The HTTP API as each demo user sees it: a client that logs each user in once and keeps their token."""

from typing import Any

from fastapi.testclient import TestClient


class Api:
    """The HTTP API as each demo user sees it."""

    def __init__(self, client: TestClient, app: Any) -> None:
        self.client = client
        self.app = app
        self._tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            r = self.client.post("/api/auth/token", data={"username": username, "password": f"{username}-demo"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def forget(self, username: str) -> None:
        """Drop the user's token (their session was ended): the next call logs them in again."""
        self._tokens.pop(username, None)

    def get(self, username: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(username), **kw)

    def post(self, username: str, path: str, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(username), **kw)

    def drain(self) -> int:
        """Let the worker do what requests left it (as `serve` does in the background): run the engine on after an
        `asyncAfter` task, start children, apply finished ones to their parents, fire due timers."""
        return self.app.state.worker.run_until_idle()

    def inbox(self, username: str, **params: Any) -> list[dict[str, Any]]:
        r = self.get(username, "/api/tasks", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def history(self, instance_id: int, include_children: bool = True) -> list[dict[str, Any]]:
        r = self.get(
            "admin", f"/api/instances/{instance_id}/history", params={"include_children": str(include_children).lower()}
        )
        assert r.status_code == 200, r.text
        return r.json()

    def complete(self, username: str, task_id: str, data: dict[str, Any], expect: int = 200) -> Any:
        r = self.post(username, f"/api/tasks/{task_id}/complete", json={"data": data})
        assert r.status_code == expect, r.text
        if r.status_code == 200 and r.json()["continuing"]:
            self.drain()  # an `asyncAfter` task: what follows it runs in the worker, as it would at once in `serve`
        return r.json()
