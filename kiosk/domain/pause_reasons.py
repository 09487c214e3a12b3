"""The reasons a window goes on a break when a catalogue names none (`Catalogue.pause_reason`):
the same five as the shipped `data/catalogue.toml`, in the seven languages."""

from __future__ import annotations

from typing import Any

DEFAULT_PAUSE_REASONS: tuple[dict[str, Any], ...] = (
    {"code": "break", "name": {
        "en": "Short break", "uk": "Коротка перерва", "ru": "Короткий перерыв", "tr": "Kısa mola",
        "ro": "Pauză scurtă", "ms": "Rehat sebentar", "vi": "Nghỉ giải lao"}},
    {"code": "lunch", "name": {
        "en": "Lunch", "uk": "Обідня перерва", "ru": "Обеденный перерыв", "tr": "Öğle arası",
        "ro": "Pauza de masă", "ms": "Rehat makan tengah hari", "vi": "Nghỉ trưa"}},
    {"code": "paperwork", "name": {
        "en": "Paperwork", "uk": "Робота з документами", "ru": "Работа с документами",
        "tr": "Evrak işleri", "ro": "Lucru cu actele", "ms": "Kerja dokumen", "vi": "Xử lý hồ sơ"}},
    {"code": "training", "name": {
        "en": "Training or meeting", "uk": "Навчання або нарада", "ru": "Обучение или совещание",
        "tr": "Eğitim veya toplantı", "ro": "Instruire sau ședință", "ms": "Latihan atau mesyuarat",
        "vi": "Đào tạo hoặc họp"}},
    {"code": "other", "name": {
        "en": "Other", "uk": "Інше", "ru": "Другое", "tr": "Diğer", "ro": "Alt motiv", "ms": "Lain-lain",
        "vi": "Lý do khác"}},
)  # fmt: skip
