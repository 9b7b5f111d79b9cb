"""``ledger chart``: a timeline chart of statuses, drawn with matplotlib."""

from __future__ import annotations

import os

import click

from treaty_ledger.cli.extras import require_extra
from treaty_ledger.cli.params import AS_OF_DAY, known_at_option, read_only_option, store_option

# Colours by status (instrument and actor statuses), and markers by act type.
_COLOURS = {
    "draft": "#c7c7c7", "adopted": "#9ecae1", "in-force": "#3182bd", "terminated": "#636363",
    "superseded": "#bdbdbd", "proposer": "#fdd0a2", "addressee": "#fdae6b",
    "signatory": "#9ecae1", "contracting": "#6baed6", "party": "#3182bd",
    "suspended": "#fd8d3c", "withdrawing": "#e6550d", "withdrawn": "#a63603",
    "participating": "#009e73", "provisionally-applying": "#56b4e9", "former-party": "#999999",
}  # fmt: skip
_MARKERS = {"suspension": "v", "withdrawal": "X", "denunciation": "X", "termination": "s",
            "annexation": "*"}  # fmt: skip


@click.command("chart")
@click.option(
    "--from", "start", required=True, type=AS_OF_DAY, help="First day: YYYY, YYYY-MM or YYYY-MM-DD."
)
@click.option(
    "--to", "end", required=True, type=AS_OF_DAY, help="Last day: YYYY, YYYY-MM or YYYY-MM-DD."
)
@click.option(
    "--instrument",
    "instruments",
    multiple=True,
    metavar="ID",
    help="An instrument to show (repeatable); default CFE, INF, Open Skies, the "
    "Vienna Documents and the Founding Act. With --by actor: the one instrument.",
)
@click.option(
    "--by",
    "by",
    type=click.Choice(["instrument", "actor"]),
    default="instrument",
    show_default=True,
    help="One row per instrument, or per actor of one instrument.",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="The image file: .png or .svg."
)
@known_at_option
@read_only_option
@store_option
def chart_command(start, end, instruments, by, out, known_at, read_only, store) -> None:
    """Draw a timeline chart: bars coloured by status over time, markers for key acts.

    One row per instrument (its status), or with --by actor one row per actor
    of one instrument (its status toward it); markers for suspensions,
    withdrawals, terminations and annexations; a legend; sized for A4 width.

    \b
    Examples:
      ledger chart --from 1990 --to 2024 --out regime.png
      ledger chart --from 1992 --to 2022 --by actor --instrument open-skies-1992 --out os.svg
    """
    from treaty_ledger.cli.check_queries import chart_query
    from treaty_ledger.ledger.dates import first_day
    from treaty_ledger.ledger.store.application import Ledger
    from treaty_ledger.projections.chart_data import DEFAULT_INSTRUMENTS

    # numpy (under matplotlib) starts an OpenBLAS thread per core, which spin while it
    # loads (about 60 ms of CPU), and a chart does no linear algebra that needs them.
    # Set before the first import of numpy; a value the user gave is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    require_extra("chart", "'ledger chart'")
    if not out.lower().endswith((".png", ".svg")):
        raise click.BadParameter(f"{out!r}: give a .png or .svg file", param_hint="--out")
    first, last = first_day(start.text), end.day
    if last <= first:
        raise click.BadParameter(
            f"--to {end.text} is not after --from {start.text}", param_hint="--to"
        )
    if last.year - first.year > 200:
        raise click.BadParameter("give a range of at most 200 years", param_hint="--to")
    if by == "actor" and len(instruments) != 1:
        raise click.UsageError("--by actor needs exactly one --instrument")
    from treaty_ledger.cli.output_files import output_file

    # Opened first, so that a store or database named by --out is refused before anything
    # is read; drawn into a temporary file beside the one named, which replaces it at the end.
    with output_file(out, binary=True, store=store) as handle:
        with Ledger(store, read_only=read_only) as ledger:
            rows, spans, markers = chart_query(
                ledger, first, last, instruments or DEFAULT_INSTRUMENTS,
                instruments[0] if by == "actor" else None, known_at,
            )  # fmt: skip
        if not spans:
            raise click.ClickException(
                f"nothing to draw: no status between {start.text} and {end.text}; nothing was "
                "written"
            )
        _draw(rows, spans, markers, first, last, handle, out[-3:].lower(),
              title=_title(by, instruments, start, end))  # fmt: skip
    click.echo(f"Chart of {len(rows)} rows, {len(markers)} marked acts, written to {out}.")


def _title(by, instruments, start, end) -> str:
    what = f"Actors of {instruments[0]}" if by == "actor" else "Instruments"
    return f"{what}: status from {start.text} to {end.text}"


def _draw(rows, spans, markers, first, last, out, image_format, title) -> None:
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"
    # A figure of our own on the Agg canvas: pyplot (its figure manager, the choice of an
    # interactive backend) is not needed to write a file, and importing it costs a third.
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    height = max(2.5, 0.38 * len(rows) + 1.6)
    # Constrained layout fits the labels, title and legend while the figure is drawn, so
    # the file is drawn once: a tight layout plus a tight bounding box drew it three times.
    figure = Figure(figsize=(8.27, height), layout="constrained")  # A4 width in inches
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    index = {row: position for position, row in enumerate(rows)}
    bars: dict[str, list[tuple[tuple[float, float], int]]] = {}  # by status, in order of use
    for span in spans:
        start = mdates.date2num(span.start)
        width = mdates.date2num(span.end) - start
        bars.setdefault(span.status, []).append(((start, width), index[span.row]))
    for status, placed in bars.items():
        colour = _COLOURS.get(status, "#969696")
        for row in dict.fromkeys(position for _, position in placed):
            ranges = [extent for extent, position in placed if position == row]
            axes.broken_barh(ranges, (row - 0.35, 0.7), facecolors=colour)
    marked: dict[str, list[tuple[float, int]]] = {}  # by kind, in order of first use
    for marker in markers:
        marked.setdefault(marker.kind, []).append((mdates.date2num(marker.day), index[marker.row]))
    for kind, points in marked.items():  # one scatter per kind, not one per act
        axes.scatter([x for x, _ in points], [y for _, y in points], marker=_MARKERS[kind],
                     color="black", s=36, zorder=3)  # fmt: skip
    axes.set_yticks(range(len(rows)), rows, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(mdates.date2num(first), mdates.date2num(last))
    locator = mdates.AutoDateLocator(maxticks=12)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.grid(axis="x", linewidth=0.3)
    axes.set_title(title, fontsize=10)
    handles = [Patch(facecolor=_COLOURS.get(s, "#969696"), label=s) for s in bars]
    handles += [
        Line2D([], [], marker=_MARKERS[k], color="black", linestyle="", label=k) for k in marked
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=7,
                  frameon=False)  # fmt: skip
    # Reproducible files: no creation date in the metadata, text kept as text in SVG.
    matplotlib.rcParams["svg.hashsalt"] = "treaty-ledger"
    figure.savefig(out, format=image_format, dpi=150, metadata={"Date": None})
