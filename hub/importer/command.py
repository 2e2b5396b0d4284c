"""`hub import FILE`: the command line around hub.importer.import_file."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--map", "map_file", type=click.Path(path_type=Path, dir_okay=False),
              help="TOML or JSON file of \"column header\" = \"field\" (replaces header recognition).")
@click.option("--report", "report", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to list rejected rows (default: FILE.rejects.csv).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_command(file: Path, map_file: Path | None, report: Path | None, quiet: bool) -> None:
    """Import leads from a .csv or .xlsx file through the normal pipeline.

    Vietnamese and English headers are recognised (Họ tên, SĐT, Email, Tỉnh/Thành, Địa chỉ,
    Ghi chú, Nguồn, Ngày, Mã KH...). Rows already imported, from this file or an earlier
    export of the same sheet, are not added again.
    """
    from hub.cli import _settings
    from hub.importer import ColumnError, UnreadableFile, import_file, load_mapping
    from hub.runtime import Hub

    settings = _settings()
    if settings.uses_sqlite:
        from hub.store.migrate import upgrade

        upgrade(settings.database_url)
    try:
        mapping = load_mapping(map_file) if map_file else None
        hub = Hub(settings)
        if quiet:
            result = import_file(hub, file, mapping, report=report)
        else:
            click.echo(f"đang đọc / reading {file.name}...", err=True)
            with _Bar() as bar:
                result = import_file(hub, file, mapping, progress=bar.update, report=report)
    except (UnreadableFile, ColumnError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # the rows are in; only the report could not be written
        raise click.ClickException(f"không ghi được báo cáo / cannot write the report: {exc}") from None
    click.echo(result.summary())
    if result.rejected:
        click.echo(f"báo cáo dòng bị từ chối / rejected rows report: {result.report}")


class _Bar:
    """Progress on stderr with rows/s and ETA: click's bar on a terminal, else a plain line
    at most every LOG_EVERY seconds (and at the end), so logs stay readable."""

    LOG_EVERY = 5.0

    def __init__(self) -> None:
        self.bar: Any = None
        self.started = time.perf_counter()
        self.logged = 0.0
        self.done = 0

    def __enter__(self) -> _Bar:
        return self

    def update(self, done: int, total: int) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        rate = done / elapsed
        if sys.stderr.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="importing", file=sys.stderr, show_pos=True,
                                             show_eta=True, item_show_func=lambda text: text)
                self.bar.__enter__()
            self.bar.update(done - self.done, current_item=f"{rate:,.0f} rows/s")
        elif done == total or elapsed - self.logged >= self.LOG_EVERY:
            self.logged = elapsed
            eta = (total - done) / rate if rate else 0
            click.echo(f"importing: {done}/{total} rows, {rate:,.0f} rows/s, ETA {eta:.0f} s", err=True)
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
