"""minitorch's generic math tests, by their names: ``MathTest`` on floats, ``MathTestVariable`` on Scalars.

Each test function is the same mathematics written twice: once with ``operators``' float
functions, once with Scalar's operators and methods, so a test can compare the two and check
derivatives (see docs/architecture.md). A name ending in ``2`` takes two arguments, one ending in
``red`` a list; ``_tests()`` sorts them into those three groups, ``_comp_testing()`` pairs each
float function with its Scalar twin. Shifts keep every pole and logarithm's edge out of
[-100, 100], where minitorch's tests draw their numbers.
"""

from __future__ import annotations

from . import operators


class MathTest:
    """The test functions on floats (the ones that are plain arithmetic work on Scalars too)."""

    @staticmethod
    def neg(a):
        """-a"""
        return -a

    @staticmethod
    def addConstant(a):
        """5 + a: a number on the left"""
        return 5 + a

    @staticmethod
    def subConstant(a):
        """a - 5"""
        return a - 5

    @staticmethod
    def multConstant(a):
        """5 · a"""
        return 5 * a

    @staticmethod
    def div(a):
        """a / 5"""
        return a / 5

    @staticmethod
    def square(a):
        """a · a: one input used twice"""
        return a * a

    @staticmethod
    def cube(a):
        """a · a · a"""
        return a * a * a

    @staticmethod
    def inv(a):
        """1 / (a + 200)"""
        return operators.inv(a + 200)

    @staticmethod
    def sig(a):
        """σ(a)"""
        return operators.sigmoid(a)

    @staticmethod
    def log(a):
        """ln(a + 100000): far from 0"""
        return operators.log(a + 100000)

    @staticmethod
    def relu(a):
        """relu(a + 5.5)"""
        return operators.relu(a + 5.5)

    @staticmethod
    def exp(a):
        """e^(a - 200): small values"""
        return operators.exp(a - 200)

    @staticmethod
    def explog(a):
        """ln(a + 100000) + e^(a - 200)"""
        return operators.log(a + 100000) + operators.exp(a - 200)

    @staticmethod
    def complex(a):
        """ln σ(10 · relu(6 · relu(10a + 7) + 5)) / 50: five functions deep"""
        inner = operators.relu(operators.relu(a * 10 + 7) * 6 + 5)
        return operators.log(operators.sigmoid(inner * 10)) / 50

    @staticmethod
    def add2(a, b):
        """a + b"""
        return a + b

    @staticmethod
    def mul2(a, b):
        """a · b"""
        return a * b

    @staticmethod
    def div2(a, b):
        """a / (b + 200)"""
        return a / (b + 200)

    @staticmethod
    def gt2(a, b):
        """a + 1.2 > b"""
        return operators.lt(b, a + 1.2)

    @staticmethod
    def lt2(a, b):
        """a + 1.2 < b"""
        return operators.lt(a + 1.2, b)

    @staticmethod
    def eq2(a, b):
        """a == b + 5.5"""
        return operators.eq(a, b + 5.5)

    @staticmethod
    def sum_red(ls):
        """the sum of a list"""
        return operators.sum(ls)

    @staticmethod
    def mean_red(ls):
        """the mean of a list"""
        return operators.sum(ls) / float(len(ls))

    @staticmethod
    def mean_full_red(ls):
        """the mean of a list (of everything, for tensors)"""
        return operators.sum(ls) / float(len(ls))

    @classmethod
    def _tests(cls) -> tuple[list, list, list]:
        """``(one_arg, two_arg, red_arg)``: lists of ``(name, function)``, sorted by name."""
        groups: tuple[list, list, list] = ([], [], [])
        for name in dir(MathTest):
            if name.startswith("_"):
                continue
            group = 1 if name.endswith("2") else 2 if name.endswith("red") else 0
            groups[group].append((name, getattr(cls, name)))
        return groups

    @classmethod
    def _comp_testing(cls) -> tuple[list, list, list]:
        """The same three groups as ``(name, float function, this class's function)``."""
        mine, floats = cls._tests(), MathTest._tests()
        return tuple(
            [(name, float_fn, fn) for (name, fn), (_, float_fn) in zip(group, float_group, strict=True)]
            for group, float_group in zip(mine, floats, strict=True)
        )  # type: ignore[return-value]


class MathTestVariable(MathTest):
    """The same functions on Scalars: functions become methods, comparisons operators."""

    @staticmethod
    def inv(a):
        return 1.0 / (a + 200)

    @staticmethod
    def sig(a):
        return a.sigmoid()

    @staticmethod
    def log(a):
        return (a + 100000).log()

    @staticmethod
    def relu(a):
        return (a + 5.5).relu()

    @staticmethod
    def exp(a):
        return (a - 200).exp()

    @staticmethod
    def explog(a):
        return (a + 100000).log() + (a - 200).exp()

    @staticmethod
    def complex(a):
        return (((a * 10 + 7).relu() * 6 + 5).relu() * 10).sigmoid().log() / 50

    @staticmethod
    def gt2(a, b):
        return a + 1.2 > b

    @staticmethod
    def lt2(a, b):
        return a + 1.2 < b

    @staticmethod
    def eq2(a, b):
        return a == (b + 5.5)
