"""Signal handlers: swap in the prepared Markdown reader, convert cache misses up front."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager

from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import file_suffix

from guide_parallel import MIN_ITEMS_PER_WORKER, default_workers, forked_map
from guide_settings import plugin_settings, workers_setting

logger = logging.getLogger(__name__)

DEFAULT_GUIDE_READ = {
    # Processes that convert Markdown at once; None means one per core, 1 turns this off.
    "workers": None,
}


def read_settings(settings) -> dict:
    merged = plugin_settings(settings, "GUIDE_READ", DEFAULT_GUIDE_READ)
    workers_setting("GUIDE_READ", merged["workers"])
    return merged


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Arguments may not pickle; the finished message always does.
        record.msg, record.args = record.getMessage(), None
        record.exc_info = None
        self.records.append(record)


@contextmanager
def _captured_logs():
    """Hold back what a conversion logs, to print it when Pelican reads that file."""
    root = logging.getLogger()
    collector = _Collect()
    handlers = root.handlers[:]
    root.handlers[:] = [collector]
    try:
        yield collector.records
    finally:
        root.handlers[:] = handlers


class PreparedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, answering from conversions made before it was asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: dict[str, tuple] = {}

    def convert(self, path: str):
        with _captured_logs() as records:
            content, metadata = MarkdownReader.read(self, path)
        return content, metadata, records

    def read(self, source_path):
        prepared = self.prepared.pop(source_path, None)
        if prepared is None:
            return super().read(source_path)
        content, metadata, records = prepared
        for record in records:
            logging.getLogger(record.name).handle(record)
        return content, metadata


def use_prepared_reader(readers) -> None:
    """readers_init: Markdown files go through PreparedMarkdownReader."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = PreparedMarkdownReader


def convert_pages(generator) -> None:
    """page_generator_init: convert every page the cache cannot answer, on all cores."""
    workers = read_settings(generator.settings)["workers"]
    if workers == 1:
        return
    readers = generator.readers
    settings = generator.settings
    missing = {}
    for relative in generator.get_files(settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"]):
        reader = readers.readers.get(file_suffix(relative))
        if not isinstance(reader, PreparedMarkdownReader):
            continue
        path = os.path.abspath(os.path.join(generator.path, relative))
        if readers.get_cached_data(path, None) is None:
            missing.setdefault(reader, []).append(path)
    for reader, paths in missing.items():
        if len(paths) < 2 * MIN_ITEMS_PER_WORKER:
            continue  # a few files: converting them in order costs less than a fork
        processes = min(workers or default_workers(), len(paths) // MIN_ITEMS_PER_WORKER)
        results = forked_map(reader.convert, paths, processes, shared=(settings,))
        reader.prepared.update(zip(paths, results))
        logger.info("guide_read: converted %d pages on %d processes", len(paths), processes)


def register():
    signals.readers_init.connect(use_prepared_reader)
    signals.page_generator_init.connect(convert_pages)
