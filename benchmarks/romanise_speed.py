"""How fast is romanisation? Every scheme of a language over N generated names, on one core.

The matcher calls ``romanisations(part, lang)`` once per distinct lexicon name part,
so this measures exactly that call, over full names built from real Russian given
names and surnames, beside unidecode on the same names in the same run.

    python benchmarks/romanise_speed.py            # 100,000 names, Russian schemes
    python benchmarks/romanise_speed.py --n 10000 --per-scheme
"""

from __future__ import annotations

import argparse
import random
import time

from unidecode import unidecode

from translitnorm.crosslang import variants
from translitnorm.romanise import get_scheme, romanisations, romanise, schemes

# Common Russian surnames (masculine forms) and given names, male and female.
SURNAMES = """
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв
Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов
Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов
Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов
Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев
Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников
Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин
Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов
Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев
Харитонов Князев Цветков Левин Митрофанов Воронцов Аксёнов Софронов Мальцев Логинов Горшков
Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Демин Хохлов Фадеев Молчанов
Игнатов Литвинов Ершов Ушаков Дементьев Рябов Мухин Калашников Леонтьев Лобанов Кузин Корнилов
Евдокимов Бородин Платонов Некрасов Балашов Бобров Жданов Блинов Игнатьев Коротков Муравьёв
Крюков Беляков Богомолов Дроздов Лавров Зуев Петухов Ларин Никулин Серов Терентьев Зубков
Пестов Стравинский Достоевский Чайковский Чехов Толстой Горбачёв Хрущёв Ельцин Менделеев
Шостакович Бакиев Жапаров Атамбаев Назарбаев Токаев Шевченко Лукашенко Зеленский Щукин
""".split()

GIVEN_NAMES = """
Александр Алексей Анатолий Андрей Антон Аркадий Арсений Артём Богдан Борис Вадим Валентин
Валерий Василий Виктор Виталий Владимир Владислав Всеволод Вячеслав Геннадий Георгий Герман
Глеб Григорий Давид Даниил Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Лев
Леонид Максим Марк Матвей Михаил Никита Николай Олег Павел Пётр Роман Руслан Святослав Семён
Сергей Станислав Степан Тимофей Тимур Фёдор Филипп Эдуард Юрий Яков Ярослав Курманбек Садыр
Алмазбек Нурсултан Тарас Остап Ильич Эльдар Ренат Рустам Ринат Айдар Марат Азат Вениамин
Анастасия Анна Алёна Алина Алиса Алла Антонина Валентина Валерия Вера Вероника Виктория
Галина Дарья Диана Ева Евгения Екатерина Елена Елизавета Жанна Зинаида Зоя Инна Ирина Карина
Кира Клавдия Кристина Ксения Лариса Лидия Любовь Людмила Маргарита Марина Мария Надежда Наталья
Нина Оксана Ольга Полина Раиса Регина Светлана София Таисия Тамара Татьяна Ульяна Юлия Яна
Ангелина Арина Варвара Василиса Виолетта Злата Эвелина Эльвира Майя Милана Мирослава Нелли
Роза Снежана Стефания Эмилия Юлиана Ярослава Агата Аделина Есения Ника Олеся Лилия Римма
Фаина Эльмира Гульнара Айгуль Динара Камила Мадина Асель Айжан Жибек Жылдыз Айгерим Отунбаева
Сабина Алсу Ляйсан Зарина Аида Альбина Ассоль Белла Влада Дина Ефросинья Изабелла Лиана Мила
""".split()


def generate_names(count: int, seed: int = 2024) -> list[str]:
    """``count`` full names "Given Surname", deterministic for a seed."""
    chooser = random.Random(seed)
    return [f"{chooser.choice(GIVEN_NAMES)} {chooser.choice(SURNAMES)}" for _ in range(count)]


def time_it(function, names: list[str]) -> float:
    started = time.perf_counter()
    for name in names:
        function(name)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="how many names (default 100000)")
    parser.add_argument("--lang", default="ru", help="source language whose schemes all run (default ru)")
    parser.add_argument("--per-scheme", action="store_true", help="also time each scheme alone")
    args = parser.parse_args()

    names = generate_names(args.n)
    lang_schemes = schemes(lang=args.lang)
    romanisations(names[0], lang=args.lang)  # load tables and ICU transforms outside the timing

    baseline = time_it(unidecode, names)
    everything = time_it(lambda name: romanisations(name, lang=args.lang), names)

    print(f"{len(GIVEN_NAMES)} given names x {len(SURNAMES)} surnames -> {args.n:,} full names, one core")
    print(f"unidecode (baseline)               {baseline:8.2f} s  {baseline / args.n * 1e6:8.1f} µs/name")
    print(f"romanisations(lang={args.lang!r}), {len(lang_schemes)} schemes"
          f" {everything:8.2f} s  {everything / args.n * 1e6:8.1f} µs/name"
          f"  ({everything / args.n / len(lang_schemes) * 1e6:.1f} µs per scheme)")

    # The index makes the other Cyrillic languages' forms of every distinct lexicon name part
    # too (Харьков → Харків, Харкаў); distinct words, so no cache hit flatters the figure.
    words = [f"{name.split()[-1]}{number}" for number, name in enumerate(names[: min(args.n, 20_000)])]
    crossing = time_it(lambda word: variants(word, "ru"), words)
    print(f"crosslang.variants(lang='ru')      {crossing:8.2f} s  {crossing / len(words) * 1e6:8.1f} µs/part"
          f"  ({len(words):,} distinct surnames)")

    if args.per_scheme:
        sample = names[: min(args.n, 20_000)]
        print(f"\nper scheme, {len(sample):,} names:")
        for scheme in lang_schemes:
            seconds = time_it(lambda name, scheme_id=scheme.id: romanise(name, scheme_id), sample)
            provider = get_scheme(scheme.id).provider
            print(f"  {scheme.id:16} {provider:7} {seconds / len(sample) * 1e6:7.1f} µs/name")


if __name__ == "__main__":
    main()
