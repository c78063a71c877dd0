"""Master data as service tasks and validators read them: :class:`MasterData`, which reads skema, asesor,
peserta and TUK in bulk (one query per kind of record) so a period of a thousand candidates costs a
handful of queries, not a thousand."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, joinedload, lazyload

from api.store.master import (
    Asesor,
    AsesorSkema,
    Institusi,
    KonflikKepentingan,
    LspProfil,
    Peserta,
    Skema,
    Tuk,
    VerifikasiTuk,
)
from api.store.models import ProcessInstance, User
from service_tasks.format_indonesia import as_date
from service_tasks.guards import chunks, object_at, objects

RASIO_BAWAAN = 10


# --------------------------------------------------------------------------------------------------
# Small helpers shared with the operators


def proses_list(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """A list in the process data by its design name (`hasil_asesmen`) or, where a multi-instance
    activity's item variable took that name, by the collection's `daftar_` name (`daftar_hasil_asesmen`)."""
    value = data.get(name)
    if isinstance(value, list):
        return objects(value)
    return objects(data.get(f"daftar_{name}"))


def gabung_nama(names: Iterable[str], limit: int = 10) -> str:
    names = list(names)
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" dan {len(names) - limit} lainnya"


_SHARED = "ujikom.master_data"


@event.listens_for(Session, "after_transaction_end")
def _forget_master_data(session: Session, transaction: SessionTransaction) -> None:
    # Master data may change between transactions: never carry what one transaction read into the next.
    if transaction.parent is None:
        session.info.pop(_SHARED, None)


class MasterData:
    """Cached, bulk reads of the master data, shared by every validator and operator call of one transaction.

    A complete request runs a validator and then service tasks that read the same LSP profile and skema:
    sharing the reads (per transaction, never across) saves those repeated queries."""

    def __init__(self, session: Session) -> None:
        self.session = session
        shared = session.info.get(_SHARED)
        if shared is None:
            shared = session.info[_SHARED] = {"lsp": {}}
        self._lsp_cache: dict[int, LspProfil | None] = shared["lsp"]
        self._institusi: dict[int, Institusi | None] = shared.setdefault("institusi", {})
        self._skema: dict[str, Skema | None] = shared.setdefault("skema", {})
        self._tuk: dict[str, Tuk | None] = shared.setdefault("tuk", {})
        self._user: dict[str, User | None] = shared.setdefault("user", {})
        self._asesor: dict[str, Asesor | None] = shared.setdefault("asesor", {})
        self._peserta: dict[str, Peserta | None] = shared.setdefault("peserta", {})

    # LSP ------------------------------------------------------------------------------------------
    def lsp(self) -> LspProfil | None:
        if 1 not in self._lsp_cache:
            # The Ketua is loaded only when a document names them; nobody here reads a user's roles.
            self._lsp_cache[1] = self.session.get(
                LspProfil, 1, options=[joinedload(LspProfil.ketua).lazyload(User.roles)]
            )
        return self._lsp_cache[1]

    def institusi(self) -> Institusi | None:
        """The institution the LSP belongs to (None until its profile is recorded). Read once per transaction
        like the LSP profile: the identity map remembers a row, not that there is none."""
        if 1 not in self._institusi:
            self._institusi[1] = self.session.get(Institusi, 1)
        return self._institusi[1]

    def rasio(self) -> int:
        lsp = self.lsp()
        return int(lsp.rasio_asesi_per_asesor) if lsp is not None and lsp.rasio_asesi_per_asesor else RASIO_BAWAAN

    # skema and TUK (few per period) -----------------------------------------------------------------
    def skema(self, nomor: Any) -> Skema | None:
        if not isinstance(nomor, str):
            return None
        if nomor not in self._skema:
            self._skema[nomor] = self.session.scalars(select(Skema).where(Skema.nomor == nomor)).first()
        return self._skema[nomor]

    def tuk(self, kode: Any) -> Tuk | None:
        if not isinstance(kode, str):
            return None
        if kode not in self._tuk:
            self._tuk[kode] = self.session.scalars(select(Tuk).where(Tuk.kode == kode)).first()
        return self._tuk[kode]

    # people (many per period): loaded in bulk ----------------------------------------------------------
    def load_users(self, usernames: Iterable[Any]) -> None:
        todo = [u for u in usernames if isinstance(u, str) and u not in self._user]
        for chunk in chunks(todo):
            users = select(User).where(User.username.in_(chunk)).options(lazyload(User.roles))
            found = {u.username: u for u in self.session.scalars(users)}
            for name in chunk:
                self._user[name] = found.get(name)

    def user(self, username: Any) -> User | None:
        if not isinstance(username, str):
            return None
        self.load_users([username])
        return self._user[username]

    def load_asesor(self, usernames: Iterable[Any]) -> None:
        todo = [u for u in usernames if isinstance(u, str) and u not in self._asesor]
        for chunk in chunks(todo):
            rows = self.session.scalars(select(Asesor).join(Asesor.user).where(User.username.in_(chunk)))
            found = {a.user.username: a for a in rows}
            for name in chunk:
                self._asesor[name] = found.get(name)

    def asesor(self, username: Any) -> Asesor | None:
        if not isinstance(username, str):
            return None
        self.load_asesor([username])
        return self._asesor[username]

    def load_peserta(self, usernames: Iterable[Any]) -> None:
        todo = [u for u in usernames if isinstance(u, str) and u not in self._peserta]
        for chunk in chunks(todo):
            rows = self.session.scalars(select(Peserta).join(Peserta.user).where(User.username.in_(chunk)))
            found = {p.user.username: p for p in rows}
            for name in chunk:
                self._peserta[name] = found.get(name)

    def peserta_aktif(self, usernames: Iterable[Any]) -> dict[str, bool]:
        """Whether each candidate in the peserta master is active (record and account both active), by
        username; a username without a peserta record is absent. Column reads in chunks, no ORM objects:
        a validator over thousands of rows stays linear and cheap."""
        found: dict[str, bool] = {}
        for chunk in chunks(u for u in usernames if isinstance(u, str)):
            rows = self.session.execute(
                select(User.username, Peserta.aktif, User.active)
                .join(Peserta, Peserta.user_id == User.id)
                .where(User.username.in_(chunk))
            )
            found.update((username, bool(aktif) and bool(active)) for username, aktif, active in rows)
        return found

    def data_peserta(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows (each with `username` and `skema_nomor`, as the period routes on them) with the candidate's
        `nama`, `nim` and `prodi` from the peserta master and the skema's `judul` as `skema_judul`, where a row
        does not carry them already. Column reads in chunks: the period keeps ids, this is where what is shown
        is read."""
        rows = list(rows)
        found: dict[str, dict[str, Any]] = {}
        for chunk in chunks(r.get("username") for r in rows if isinstance(r.get("username"), str)):
            columns = (User.username, User.full_name, Peserta.nim, Peserta.prodi)
            query = select(*columns).join(Peserta, Peserta.user_id == User.id).where(User.username.in_(chunk))
            found.update(
                (username, {"nama": nama, "nim": nim, "prodi": prodi})
                for username, nama, nim, prodi in self.session.execute(query)
            )
        out = []
        for r in rows:
            skema = self.skema(r.get("skema_nomor"))
            username = r.get("username")
            master = {
                **(found.get(username, {}) if isinstance(username, str) else {}),
                "skema_judul": skema.judul if skema is not None else None,
            }
            out.append({**r, **{k: v for k, v in master.items() if r.get(k) is None}})
        return out

    def peserta(self, username: Any) -> Peserta | None:
        if not isinstance(username, str):
            return None
        self.load_peserta([username])
        return self._peserta[username]

    def nama(self, username: Any) -> str:
        """How a message names a person: "Andi Pratama (peserta)", or the bare username when unknown."""
        if not isinstance(username, str):
            return str(username)
        user = self._user.get(username)
        if user is None and username not in self._user:
            for cache in (self._asesor, self._peserta):
                record = cache.get(username)
                if record is not None:
                    user = record.user
                    break
            else:
                user = self.user(username)
        return f"{user.full_name} ({username})" if user is not None else username

    def kompeten_skema(self, asesor_ids: Iterable[int]) -> set[tuple[int, int]]:
        """(asesor_id, skema_id) pairs: which asesor may assess which skema."""
        pairs: set[tuple[int, int]] = set()
        for chunk in chunks(asesor_ids):
            rows = self.session.execute(
                select(AsesorSkema.asesor_id, AsesorSkema.skema_id).where(AsesorSkema.asesor_id.in_(chunk))
            )
            pairs.update((a, s) for a, s in rows)
        return pairs

    def konflik(self, asesor_ids: Iterable[int]) -> set[tuple[int, int]]:
        """(asesor_id, peserta_id) pairs with a declared conflict of interest."""
        pairs: set[tuple[int, int]] = set()
        for chunk in chunks(asesor_ids):
            rows = self.session.execute(
                select(KonflikKepentingan.asesor_id, KonflikKepentingan.peserta_id).where(
                    KonflikKepentingan.asesor_id.in_(chunk)
                )
            )
            pairs.update((a, p) for a, p in rows)
        return pairs

    # records ----------------------------------------------------------------------------------------
    def verifikasi_berlaku(self, tuk: Tuk, root_id: int, pada: date) -> VerifikasiTuk | None:
        """The verification that lets `tuk` be used in period `root_id` on date `pada`, or None.

        Set verified by the Ketua LSP (`ditetapkan_at`) with kesimpulan `sesuai`, either for this period,
        or, for a `mandiri` TUK (verified periodically), with `berlaku_sd` reaching `pada`.
        """
        query = select(VerifikasiTuk).where(
            VerifikasiTuk.tuk_id == tuk.id,
            VerifikasiTuk.ditetapkan_at.is_not(None),
            VerifikasiTuk.kesimpulan == "sesuai",
        )
        row = self.session.scalars(
            query.where(VerifikasiTuk.root_id == root_id).order_by(VerifikasiTuk.id.desc())
        ).first()
        if row is not None or tuk.jenis != "mandiri":
            return row
        # A mandiri TUK being (re)verified in this period stands on that verification, not on an older one:
        # one found "belum sesuai" now must not pass on last year's approval.
        verified_now = select(ProcessInstance.id).where(
            ProcessInstance.root_id == root_id,
            ProcessInstance.key == "verifikasi_tuk",
            ProcessInstance.subject == tuk.kode,
        )
        if self.session.scalars(verified_now).first() is not None:
            return None
        return self.session.scalars(
            query.where(VerifikasiTuk.berlaku_sd.is_not(None), VerifikasiTuk.berlaku_sd >= pada).order_by(
                VerifikasiTuk.berlaku_sd.desc()
            )
        ).first()


def tanggal_asesmen(data: dict[str, Any], default: date, akhir: bool = True) -> date:
    """The period's assessment end (or start) date from `jadwal` in the process data, else `default`."""
    jadwal = object_at(data, "jadwal")
    keys = ("asesmen_selesai", "asesmen_mulai") if akhir else ("asesmen_mulai", "asesmen_selesai")
    for key in keys:
        found = as_date(jadwal.get(key))
        if found is not None:
            return found
    return default
