"""`hub.model.quick_init`: the values normalize builds keep the dataclass constructor's behaviour."""
from __future__ import annotations

import dataclasses
import inspect
import pickle
from datetime import datetime, timezone

import pytest

from hub import model
from hub.model import Attribution, Email, Lead, PersonName, Phone, Phones, Province

QUICK = (Phone, Phones, Email, PersonName, Province, Attribution, Lead)
NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)
REQUIRED = {
    Phone: ("+84912345678", "0912 345 678"),
    Phones: (),
    Email: ("lan@gmail.com", "lan@gmail.com", "Lan@Gmail.com"),
    PersonName: ("nguyễn thị lan", "Nguyễn Thị Lan", "nguyen thi lan"),
    Province: ("HCM",),
    Attribution: ("form",),
    Lead: ("form", "ref-1", NOW, Attribution("form")),
}
FULL = {
    Phone: ("+84382345678", "0168 234 5678", "+841682345678", "mobile", "Viettel"),
    Phones: ((Phone("+84912345678", "0912345678"),), ("abc",)),
    Email: ("lan@gmial.com", "lan@gmail.com", "lan@gmial.com", ("domain_typo",)),
    PersonName: ("chị lan nguyễn", "Nguyễn Lan", "nguyen lan", "Nguyễn", None, "Lan", "chị", True, True, True),
    Province: ("HCM", "79", "Thành phố Hồ Chí Minh", "resolved"),
    Attribution: ("form", {"utm_source": "facebook"}),
    Lead: ("form", "ref-1", NOW, Attribution("form"), None, (), (), None, "12 Lê Lợi", "hi", None,
           {"a": 1}, ("x",), None, ()),
}  # fmt: skip


def _plain_twin(cls: type) -> type:
    """The same class as dataclass(frozen=True) alone would build it."""
    namespace = {"__post_init__": cls.__post_init__} if hasattr(cls, "__post_init__") else {}
    specs = []
    for item in dataclasses.fields(cls):
        if item.default is not dataclasses.MISSING:
            specs.append((item.name, item.type, dataclasses.field(default=item.default)))
        elif item.default_factory is not dataclasses.MISSING:
            specs.append((item.name, item.type, dataclasses.field(default_factory=item.default_factory)))
        else:
            specs.append((item.name, item.type))
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, namespace=namespace)


@pytest.mark.parametrize("cls", QUICK, ids=lambda cls: cls.__name__)
def test_quick_init_matches_the_dataclass_constructor(cls: type) -> None:
    twin = _plain_twin(cls)
    assert str(inspect.signature(cls.__init__)) == str(inspect.signature(twin.__init__))
    for args in (REQUIRED[cls], FULL[cls]):
        assert vars(cls(*args)) == vars(twin(*args))
        names = [item.name for item in dataclasses.fields(cls)][: len(args)]
        assert vars(cls(**dict(zip(names, args)))) == vars(twin(*args))
    made = cls(*FULL[cls])
    assert made == cls(*FULL[cls]) and pickle.loads(pickle.dumps(made)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.__setattr__(dataclasses.fields(cls)[0].name, None)
    with pytest.raises(TypeError):
        cls(*FULL[cls], "one too many")


def test_default_factories_give_each_instance_its_own_value() -> None:
    first, second = Attribution("form"), Attribution("form")
    assert first.values == {} and first.values is not second.values
    assert Lead(*REQUIRED[Lead]).extra is not Lead(*REQUIRED[Lead]).extra


def test_validation_in_post_init_still_runs() -> None:
    with pytest.raises(ValueError, match="E.164"):
        Phone("0912345678", "0912345678")
    with pytest.raises(ValueError, match="code must be set"):
        Province("HCM", status="resolved")


def test_quick_init_is_applied_to_the_values_normalize_builds() -> None:
    for cls in QUICK:
        assert cls.__init__.__module__ == model.__name__
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
