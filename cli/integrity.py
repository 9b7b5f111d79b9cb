"""Commands for tamper evidence: keygen, checkpoint, verify, prove, verify-proof, check."""

from __future__ import annotations

import click

from treaty_ledger.cli.params import json_option, read_only_option, store_option


def _read_json(path: str):
    """A checkpoint or proof file as strict JSON (``checkpoints.strict_json``).

    Raises:
        InvalidCheckpoint: as ``strict_json``.
    """
    from treaty_ledger.ledger.integrity.checkpoints import strict_json

    with open(path, "rb") as handle:
        return strict_json(handle.read(), path)


def _trusted(path: str | None) -> str | None:
    import base64
    import binascii

    from treaty_ledger.ledger.integrity.checkpoints import InvalidCheckpoint

    if path is None:
        return None
    with open(path, encoding="ascii", errors="replace") as handle:
        text = handle.read().strip()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise InvalidCheckpoint(f"{path}: not a base64 Ed25519 public key") from err
    if len(raw) != 32:
        raise InvalidCheckpoint(f"{path}: not a base64 Ed25519 public key (32 bytes)")
    return text


trusted_key_option = click.option(
    "--public-key",
    "public_key",
    envvar="LEDGER_PUBLIC_KEY",
    type=click.Path(exists=True, dir_okay=False),
    help="File with the base64 Ed25519 public key to trust (from 'ledger keygen'); "
    "default $LEDGER_PUBLIC_KEY. Without one, nothing is proved: exit 3, UNAUTHENTICATED.",
)

UNAUTHENTICATED = 3
"""Exit status when everything checked holds but no trusted key authenticated the checkpoint."""


def _unauthenticated(what: str) -> None:
    """Say that nothing is proved without a trusted key, and exit with its own status."""
    click.echo(
        f"UNAUTHENTICATED: {what} hold, but the checkpoint was not checked against a key you "
        "trust (anyone can sign with the key a checkpoint carries); give --public-key or set "
        "LEDGER_PUBLIC_KEY",
        err=True,  # standard output keeps the answer alone (one JSON document with --json)
    )
    click.get_current_context().exit(UNAUTHENTICATED)


@click.command("keygen")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Write the private key here (PEM, mode 0600); the public key goes to OUT.pub.",
)
def keygen_command(out: str) -> None:
    """Make an Ed25519 key pair for signing checkpoints.

    \b
    Examples:
      ledger keygen --out ledger-key.pem
    """
    import os

    from treaty_ledger.ledger.integrity.checkpoints import new_key

    if not out.strip():
        raise click.BadParameter("give a file name", param_hint="--out")
    for path in (out, f"{out}.pub"):
        if os.path.exists(path):
            raise click.BadParameter(
                f"{path!r} exists; refusing to overwrite it", param_hint="--out"
            )
    pem, public = new_key()
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    with open(f"{out}.pub", "w", encoding="ascii") as handle:
        handle.write(public + "\n")
    click.echo(f"Private key: {out}\nPublic key ({out}.pub): {public}")


@click.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (default: stdout).")
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False),
    help="Sign with this Ed25519 private key (PEM, from 'ledger keygen').",
)
@read_only_option
@store_option
def checkpoint_command(out, key, read_only, store) -> None:
    """Write a checkpoint of the log: its size, Merkle root (RFC 9162) and record time.

    Keep checkpoints where the ledger's operator cannot change them; later,
    'ledger verify --checkpoint' proves the log only grew since.

    \b
    Examples:
      ledger checkpoint --out 2026-11-29.checkpoint.json --key ledger-key.pem
    """
    from treaty_ledger.cli.render import write_json
    from treaty_ledger.ledger.integrity.checkpoints import Checkpoint, sign
    from treaty_ledger.ledger.services.verification import checked_log
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=read_only) as ledger:
        log = checked_log(ledger)
    size, root_hash = log.size, log.root_hash
    checkpoint = Checkpoint(tree_size=size, root_hash=root_hash, recorded_at=log.known_at)
    if key:
        with open(key, "rb") as handle:
            checkpoint = sign(checkpoint, handle.read(), key)
    write_json(
        out, checkpoint, f"Checkpoint of {size} entries, root {root_hash}, written to {out}."
    )


@click.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A checkpoint file (repeatable).",
)
@trusted_key_option
@read_only_option
@store_option
@json_option
def verify_command(checkpoints, public_key, read_only, store, as_json) -> None:
    """Recompute every entry's hash and check that the log extends each checkpoint.

    Exit 0 with a summary when all holds; otherwise exit 1 naming the first
    failing position and the kind of failure: altered, missing, reordered,
    inserted, index (the valid-time index does not match the entries),
    tree-head (a recorded tree head is not the root of its entries),
    inconsistent, bad-signature. With checkpoints but no trusted key
    (--public-key or LEDGER_PUBLIC_KEY), a log that holds exits 3 with an
    UNAUTHENTICATED line: the checkpoints' signatures prove nothing.

    \b
    Examples:
      ledger verify
      ledger verify --checkpoint 2026-11-29.checkpoint.json --public-key ledger-key.pem.pub
    """
    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.integrity.checkpoints import parse_checkpoint
    from treaty_ledger.ledger.integrity.hashes import Failure
    from treaty_ledger.ledger.services.verification import verify
    from treaty_ledger.ledger.store.application import Ledger

    loaded = [(path, parse_checkpoint(_read_json(path), path)) for path in checkpoints]
    with Ledger(store, read_only=read_only) as ledger:
        report = verify(ledger, loaded, _trusted(public_key))
        where = ledger.where
    if as_json:
        emit_json(report)
    else:
        for item in report.checkpoints:
            state = "consistent" if item.consistent else "NOT consistent"
            click.echo(
                f"{item.source}: {item.tree_size} entries, {state}, signature {item.signature}"
            )
    if report.failure is not None:
        failure = report.failure
        raise click.ClickException(
            Failure(failure.position, failure.kind, failure.detail).line(where)
        )
    if not as_json:
        click.echo(f"OK: {report.log_size} entries verified; root {report.root_hash}")
    if loaded and public_key is None:
        _unauthenticated("the entries and the log's consistency with each checkpoint")


@click.command("prove")
@click.argument("act_id")
@click.option(
    "--checkpoint",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The checkpoint to prove against.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (default: stdout).")
@read_only_option
@store_option
def prove_command(act_id, checkpoint, out, read_only, store) -> None:
    """Write inclusion proofs of every entry of an act against a checkpoint.

    The proof file can be checked offline with 'ledger verify-proof', or by
    hand with the RFC 9162 algorithm described in the README.

    \b
    Examples:
      ledger prove cfe-1990.rus.suspension --checkpoint cp.json --out proof.json
    """
    from treaty_ledger.cli.render import write_json
    from treaty_ledger.ledger.integrity.checkpoints import parse_checkpoint
    from treaty_ledger.ledger.services.proofs import prove
    from treaty_ledger.ledger.store.application import Ledger

    loaded = parse_checkpoint(_read_json(checkpoint), checkpoint)
    with Ledger(store, read_only=read_only) as ledger:
        bundle = prove(ledger, act_id, loaded)
    write_json(
        out, bundle, f"Proofs of {len(bundle.entries)} entries of {act_id!r} written to {out}."
    )


@click.command("verify-proof")
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False))
@trusted_key_option
@json_option
def verify_proof_command(proof_file, public_key, as_json) -> None:
    """Check a proof file offline: each entry's audit path and the checkpoint's signature.

    Needs no ledger. An entry is proved only against a key you trust
    (--public-key or LEDGER_PUBLIC_KEY): exit 0 when every entry is proved,
    1 when one does not hold, 3 (UNAUTHENTICATED) when the paths hold but no
    trusted key was given.

    \b
    Examples:
      ledger verify-proof proof.json --public-key ledger-key.pem.pub
    """
    from pydantic import ValidationError

    from treaty_ledger.cli.render import emit_json
    from treaty_ledger.ledger.integrity.checkpoints import InvalidCheckpoint
    from treaty_ledger.ledger.services.proofs import ProofBundle, check_proof

    try:
        bundle = ProofBundle.model_validate(_read_json(proof_file))
    except ValidationError as err:
        from treaty_ledger.ledger.model import first_problem

        field, message = first_problem(err, "file")
        raise InvalidCheckpoint(
            f"{proof_file}: not a proof file (field {field!r}: {message})"
        ) from err
    result = check_proof(bundle, _trusted(public_key))
    signed = result.signature in ("valid", "absent")
    if as_json:
        emit_json(result)
    else:
        if result.authenticated:
            held = "proved"
        elif signed:
            held = "holds (unauthenticated)"
        else:  # the paths reach the root, but the root's signature fails
            held = "path holds, signature does not"
        for position, holds in result.entries.items():
            state = held if holds else "NOT proved"
            click.echo(f"act {result.act!r}, position {position}: {state}")
        click.echo(f"checkpoint of {result.tree_size} entries, signature {result.signature}")
    if not result.ok:
        failing = [position for position, holds in result.entries.items() if not holds]
        if failing:
            why = f"the entry at position {failing[0]} does not prove against the checkpoint's root"
        elif not result.entries:
            why = "it proves no entry"
        else:
            why = f"the checkpoint's signature is {result.signature}"
        raise click.ClickException(f"the proof of {result.act!r} does not hold: {why}")
    if not result.authenticated:
        _unauthenticated("the audit paths")


@click.command("check")
@read_only_option
@store_option
@json_option
def check_command(read_only, store, as_json) -> None:
    """Check the record's own consistency; exit 1 when it finds errors.

    Rules: an act without a source; an effective date before its notice;
    a suspension or withdrawal by an actor with no role toward the
    instrument; consent before signature (warning); a bilateral treaty left
    in force after a withdrawal took effect; an act after its instrument
    ended; one act under two ids.

    \b
    Examples:
      ledger check
      ledger check --json
    """
    from treaty_ledger.cli.check_queries import check_stream
    from treaty_ledger.cli.render import counted
    from treaty_ledger.cli.streaming import emit_json_stream, emit_lines
    from treaty_ledger.ledger.store.application import Ledger

    with Ledger(store, read_only=read_only) as ledger:
        report, findings = check_stream(ledger)
    if as_json:
        rows = (finding.model_dump(mode="json") for finding in findings)
        emit_json_stream(report.model_dump(mode="json"), {"findings": rows})
    else:
        lines = (f"{f.severity}: {f.rule}: {', '.join(f.acts)}: {f.detail}" for f in findings)
        emit_lines(lines)
        click.echo(f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')} "
                   f"in {counted(report.position, 'entry', 'entries')}")
    if not report.ok:
        raise click.ClickException(f"the record has {counted(report.errors, 'error')}")
