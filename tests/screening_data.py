"""Deterministic synthetic data for the screening matcher: persons, watchlists, labelled pairs.

This module is shared by the matcher's unit tests (``tests/unit/screening``) and the
benchmarks (``bench_screening``, ``bench_watchlist``), which import it from here. It is
deliberately independent of ``borderpost.screening``: it imports nothing from it and uses
its own hand-written transliteration tables, written from the published schemes and NOT
from the matcher's normaliser (which uses rigour's transliterator and its own phonetic
rules). Everything is driven by ``random.Random(seed)``: the same seed gives the same data.

What it generates
-----------------
A *person* has a language (ru, uk, az, tr, hy, ka, ar), a gender, a native-script surname,
given name, father's name (used for patronymics, or the Arabic nasab), birth date and
nationality. A *view* renders the person as a name string the way some document or list
would write it:

* ru: native Cyrillic; ICAO 9303 (2015 table); BGN/PCGN; ISO 9 (with diacritics);
  German (Duden); French; each in several word orders, with/without patronymic.
* uk: native; Ukrainian national system (KMU 2010, passports); ICAO; the Russian form of
  the same person (Олександр -> Александр, і -> и ...) and its Latin renderings.
* az: native Azerbaijani Latin (ə ş ç ğ ı ö ü x q c); passport MRZ folding (Ə->A ...);
  Russian-style adaptation to Cyrillic (ə->а/е, ı->ы, ğ->г, h->г/х, ü->ю/у, q->г/к,
  c->дж, x->х ...) with conventional simplifications (Məmmədov -> Мамедов), and the
  Latin renderings of that Cyrillic (Aliev, Guseynov, Gussejnow ...); patronymic as
  "Əli oğlu" or Russian "-ович".
* tr: native Turkish; ASCII/MRZ folding; German-style umlaut expansion (Öztürk ->
  Oeztuerk); Russian Cyrillic adaptation and its Latin renderings.
* hy: native Armenian; national/passport romanisation; ISO 9985 (with diacritics);
  Western-Armenian style "-ian"; Russian adaptation (Հովհաննիսյան -> Оганесян/Ованесян,
  Հակոբյան -> Акопян) and its Latin renderings.
* ka: native Georgian; national 2002 system (with and without apostrophes); ISO 9984;
  Russian adaptation (ჯუღაშვილი -> Джугашвили, conventional given names Георгий/Давид)
  and its Latin renderings (Dzhugashvili, Dschugaschwili).
* ar: native Arabic; curated common romanisations of each name (Mohammed/Muhammad/
  Mohamed ..., Al-/El-/fused articles, Egyptian g, French ou/ch); Russian Cyrillic
  forms and their Latin renderings; nasab with/without "bin".
Every Latin view may also be rendered as an ICAO MRZ name field (SURNAME<<GIVEN<NAMES).

Limits (see the helper report): name pools are small hand lists plus suffix-generated
surnames, so the name-frequency distribution is flatter than real lists; Arabic
romanisations are a curated variant table rather than a rule system (Arabic script has
no short vowels, so rules cannot produce them); OCR errors, typos and nicknames
(Sasha/Aleksandr) are not generated; Chinese, Korean etc. are not covered.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


LANGS: tuple[str, ...] = ("ru", "uk", "az", "tr", "hy", "ka", "ar")
NATIONALITY = {
    "ru": ("RU", "RUS"),
    "uk": ("UA", "UKR"),
    "az": ("AZ", "AZE"),
    "tr": ("TR", "TUR"),
    "hy": ("AM", "ARM"),
    "ka": ("GE", "GEO"),
    "ar": ("SY", "SYR", "IQ", "IRQ", "SA", "SAU", "EG", "EGY", "JO", "JOR"),
}

# ---------------------------------------------------------------------------------------
# Name pools (native script)
# ---------------------------------------------------------------------------------------

RU_SURNAMES = _words("""Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков
Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов
Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв
Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков
Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов
Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров
Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников
Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев
Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин
Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов
Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв
Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев
Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов
Еремин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров
Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронцов
Щукин Шевцов Хрущёв Ельцин Шувалов Чайковский Жданов Цыганов Зуев Ершов
Шилов""")

RU_ROOTS = _words("""Бел Чёрн Сер Зелен Рыж Лыс Гром Волч Медвед Лис Сокол Ворон Голуб Журавл
Орл Лебед Гвоздь Молот Кузнеч Плотник Гончар Мельн Пекар Рыбак Охотн
Сапож Портн Ткач Бондар Колес Пастух Котел Ковш Топор Бор Лес Пол Гор
Рек Озер Берез Дуб Клен Ясен Лип Сосн Ел Рябин Калин Малин Зим Лет Весн
Осен Мороз Снеж Дожд Ветр Туч Гроз Мир Слав Добр Свет Люб Мил Горд Смел
Тих Быстр Вороб Синиц Дрозд Стриж Чиж Щегл Снегир Скворц Кулик Бобр
Барсук Ерш Щук Окун Карас Сом Налим""")
RU_SUFFIXES = ("ов", "ев", "ин", "енко", "ский", "цов", "ышев")

RU_MALE = _words("""Александр Сергей Андрей Дмитрий Алексей Максим Евгений Иван Михаил Артём
Николай Владимир Павел Роман Денис Виктор Игорь Олег Юрий Константин
Кирилл Никита Антон Вадим Илья Григорий Пётр Василий Фёдор Борис
Геннадий Леонид Аркадий Валерий Виталий Тимофей Степан Семён Ярослав
Глеб Богдан Анатолий Вячеслав Георгий Эдуард Руслан Тимур Станислав Егор
Матвей Лев Филипп Захар""")
RU_FEMALE = _words("""Анна Мария Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Юлия
Анастасия Дарья Марина Людмила Галина Валентина Надежда Оксана Ксения
Вера Любовь Алла Полина Алина Виктория Софья Евгения Лариса Нина Тамара
Зоя Жанна Яна Кристина Вероника Элина Эльвира Арина Маргарита""")

UK_SURNAMES = _words("""Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Коваль
Поліщук Бондар Ткачук Мельник Марченко Руденко Мороз Лисенко Петренко
Клименко Павленко Савченко Кузьменко Левченко Гончаренко Харченко Кушнір
Сидоренко Мазур Литвиненко Карпенко Гаврилюк Онищенко Костенко Мартинюк
Пономаренко Ярошенко Тимошенко Вакуленко Іваненко Яковенко Романенко
Демченко Приходько Білик Грищенко Гуменюк Кравчук Зінченко Юрченко Дячук
Федорчук Антоненко Ігнатенко Ничипорук Остапчук Хоменко Гребенюк Стасюк
Тарасюк Кирильчук Прокопенко Швець Ґудзь Гнатюк Єременко Їжакевич
Цибульський Щербак Лук'яненко Дорошенко Фесенко Зубко Панченко Черненко""")
UK_ROOTS = _words("""Бондар Коваль Ткач Мірош Гнат Остап Панас Тарас Гриц Левк Марч Карп Ярош
Охрім Назар Кир Сав Клим Зінь Юрч Дем Філ Гордій Оліш Степан Пилип Семен
Мусій Нечип Оверк Мар Кость Явор Ясин Дуб Граб Вишн Калин Гороб Сороч
Шпак Дяч Пастущ Ковбас Сміт Криворуч Білоус Чорновол Довгал""")
UK_SUFFIXES = ("енко", "ук", "чук", "юк", "ко", "ич", "ський", "ець")
UK_MALE = _words("""Олександр Сергій Андрій Дмитро Олексій Максим Євген Іван Михайло Микола
Володимир Павло Роман Денис Віктор Ігор Олег Юрій Костянтин Богдан Тарас
Василь Петро Григорій Віталій Анатолій Ярослав Степан Остап Назар Орест
Данило Федір Семен Леонід Валерій Вадим Артем Святослав Ілля""")
UK_FEMALE = _words("""Олена Ольга Наталія Тетяна Ірина Світлана Катерина Юлія Анастасія Дарина
Марина Людмила Галина Валентина Надія Оксана Ксенія Віра Любов Леся
Соломія Христина Мар'яна Ганна Марія Зоряна Вікторія Яна Лариса Ніна
Тамара Інна Євгенія Богдана Уляна Софія Олеся Діана Аліна Ярина""")
UK_TO_RU_GIVEN = {
    "Олександр": "Александр",
    "Сергій": "Сергей",
    "Андрій": "Андрей",
    "Дмитро": "Дмитрий",
    "Олексій": "Алексей",
    "Євген": "Евгений",
    "Михайло": "Михаил",
    "Микола": "Николай",
    "Павло": "Павел",
    "Віктор": "Виктор",
    "Ігор": "Игорь",
    "Юрій": "Юрий",
    "Костянтин": "Константин",
    "Василь": "Василий",
    "Петро": "Пётр",
    "Григорій": "Григорий",
    "Віталій": "Виталий",
    "Анатолій": "Анатолий",
    "Семен": "Семён",
    "Данило": "Даниил",
    "Федір": "Фёдор",
    "Леонід": "Леонид",
    "Валерій": "Валерий",
    "Артем": "Артём",
    "Ілля": "Илья",
    "Святослав": "Святослав",
    "Олена": "Елена",
    "Наталія": "Наталья",
    "Тетяна": "Татьяна",
    "Ірина": "Ирина",
    "Катерина": "Екатерина",
    "Анастасія": "Анастасия",
    "Дарина": "Дарья",
    "Надія": "Надежда",
    "Ксенія": "Ксения",
    "Віра": "Вера",
    "Ганна": "Анна",
    "Марія": "Мария",
    "Вікторія": "Виктория",
    "Євгенія": "Евгения",
    "Софія": "Софья",
    "Христина": "Кристина",
    "Уляна": "Ульяна",
    "Ніна": "Нина",
    "Інна": "Инна",
}

AZ_SURNAMES = _words("""Əliyev Hüseynov Məmmədov Həsənov Quliyev Abbasov Cəfərov Rəhimov Qasımov
Ağayev İsmayılov Bağırov Nəsirov Kərimov Süleymanov Şükürov Xəlilov
Əhmədov Musayev Babayev Vəliyev Mustafayev Orucov Zeynalov Nağıyev
Hacıyev Sadıqov Əsgərov Rzayev Əsədov Məhərrəmov Novruzov Qurbanov
Hümbətov Cavadov İbrahimov Səfərov Şirinov Mehdiyev Allahverdiyev
Salmanov Paşayev Bayramov Yusifov Tağıyev Əkbərov Qafarov Mirzəyev
Ələkbərov Xudiyev Qəhrəmanov Heydərov Sultanov""")
AZ_MALE = _words("""Heydər İlham Rəşad Elçin Vüqar Orxan Tural Kamran Ramil Elnur Fuad Cavid
Şahin Nicat Ülvi Fərid Səməd Əli Hüseyn Xəyal Rauf Anar Elvin Mübariz
Zaur Namiq Tofiq Vaqif Aydın Bəxtiyar Rövşən Elşən Fəxri Qəmbər Nurlan
Rüstəm Emin Vüsal Murad Cəlal Həsən Məhəmməd Ağa Qasım Yusif Kənan Ramiz
Famil Azər Elxan Ceyhun Şəhriyar Nəsimi Arif Rasim Mahir""")
AZ_FEMALE = _words("""Leyla Günay Aynur Sevinc Nigar Aygün Şəhla Könül Xədicə Məryəm Nərmin
Gülnar Türkan Ülviyyə Səbinə Lalə Aysel Fidan Zərifə Rəna Nübar Gülər
Sevda Əfsanə Zəhra Aytən Nərgiz Şəbnəm Xatirə Ayşən Günel Vəfa Cəmilə
Samirə İradə Səadət Mələk Fəridə Sona Elmira""")
AZ_SURNAME_SUFFIXES = ("ov", "yev", "li", "zadə")

TR_SURNAMES = _words("""Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir
Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan
Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş
Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin Taş
Köse Yüksel Ateş Aksoy Çiftçi Karaca Uçar Soylu Toprak Başaran Ekinci
Sönmez Erdem Gündüz""")
TR_PREFIX = _words("""Kara Ak Öz Er Gök Demir Taş Al Kızıl Sarı Bay Ay Gün Yıl Uz Türk Kaya
Şen Çam Ekin""")
TR_SUFFIX = _words("""taş soy demir kaya han oğlu can er kan göz alp tekin baş dağ su kurt
toprak yurt""")
TR_MALE = _words("""Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat
Ömer Ramazan Halil Süleyman Abdullah Mahmut Salih Kemal Recep Fatih Emre
Burak Serkan Uğur Gökhan Tolga Çağlar Oğuz Barış Cem Deniz Erkan Hakan
Kadir Levent Metin Orhan Selim Tuncay Volkan Yasin Zafer Bülent Şükrü""")
TR_FEMALE = _words("""Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Sultan Zehra Hanife
Merve Özlem Esra Gülsüm Büşra Yasemin Derya Şeyma Gül Aysel Ebru Filiz
Gamze Hülya Nurcan Pınar Sevgi Tuğba Çiğdem""")

HY_SURNAMES = _words("""Հովհաննիսյան Հարությունյան Սարգսյան Խաչատրյան Գրիգորյան Ստեփանյան
Կարապետյան Մկրտչյան Պետրոսյան Վարդանյան Ավետիսյան Գևորգյան Մարտիրոսյան
Պողոսյան Հակոբյան Մանուկյան Ղազարյան Սիմոնյան Ավագյան Աղաջանյան
Բաղդասարյան Դավթյան Եղիազարյան Զաքարյան Թադևոսյան Մելքոնյան Նազարյան
Ռոստոմյան Օհանյան Ալեքսանյան Բաբայան Գասպարյան Դանիելյան Եսայան
Իսրայելյան Կիրակոսյան Մովսիսյան Շահինյան Չոբանյան Պապոյան Ջանոյան
Սահակյան Վասիլյան Տոնոյան Քոչարյան Ֆարմանյան Աբրահամյան Ասատրյան
Բադալյան Թորոսյան Ոսկանյան Մինասյան""")
HY_MALE = _words("""Արամ Արմեն Տիգրան Դավիթ Նարեկ Գոռ Հայկ Արթուր Վահե Սուրեն Կարեն Ռուբեն
Աշոտ Գագիկ Լևոն Սերժ Արսեն Էդգար Հովհաննես Գևորգ Սամվել Վարդան Արտակ
Հրանտ Մհեր Վաչե Սարգիս Ռաֆայել Արշակ Զավեն Մանվել Նորայր Գրիգոր Հակոբ
Պետրոս Սիմոն Ավետիք Խաչատուր Մկրտիչ Ղազար""")
HY_FEMALE = _words("""Անի Մարիամ Լիլիթ Անահիտ Նարինե Գայանե Արմինե Սոնա Աննա Հասմիկ Լուսինե
Սիրանուշ Զարուհի Նունե Մարինե Տաթևիկ Շուշան Գոհար Կարինե Էլեն Մանե Արփի
Սաթենիկ Ռուզաննա Հռիփսիմե""")

KA_SURNAMES = _words("""ბერიძე კაპანაძე გელაშვილი მაისურაძე გიორგაძე ლომიძე წიკლაური ბოლქვაძე
ნოზაძე ხუციშვილი შენგელია აბაშიძე ჯავახიშვილი ღლონტი ქავთარაძე
მამულაშვილი ჭავჭავაძე წერეთელი კვარაცხელია ჩიქოვანი ფაჩულია დოლიძე
ტაბატაძე ნადირაძე ცინცაძე მჭედლიშვილი ხარაიშვილი ზურაბიშვილი ბაქრაძე
გოგიჩაიშვილი ჯუღაშვილი შევარდნაძე სააკაშვილი ივანიშვილი ღარიბაშვილი
მარგველაშვილი კობახიძე ბურჯანაძე ჯაფარიძე ყიფიანი ჟვანია ოქრუაშვილი
ხაჩიძე ფოფხაძე ჰაბიბაშვილი ცხადაძე ქობულია თოფურია გაბუნია ჩხეიძე""")
KA_ROOTS = _words("""ბერ კაპან გელ მაისურ გიორგ ლომ ნოზ ხუც აბაშ ჯავახ ქავთარ მამულ დოლ ტაბატ
ნადირ ცინც მჭედლ ხარა ზურაბ ბაქრ გოგიჩა ჩხე კობახ ბურჯან ჯაფარ ოქრუ ხაჩ
ფოფხ ცხად თოფურ გაბუნ ლორთქიფან წულუკ ბაღათურ ჩოხელ მეტრეველ კეკელ
ხოშტარ ვარდოსან ჩაჩუ ღვინ""")
KA_SUFFIXES = ("შვილი", "ძე", "ია", "ავა", "ური", "ელი", "ანი")
KA_MALE = _words("""გიორგი დავით ნიკოლოზ ლევან ზურაბ ირაკლი ალექსანდრე ლაშა გიგა ბექა თამაზ
მიხეილ ვახტანგ შოთა ნოდარ გოჩა კახა ლუკა ოთარ რევაზ ტარიელ ბადრი ზვიად
ედუარდ ილია მამუკა პაატა ჯემალ ვაჟა ხვიჩა""")
KA_FEMALE = _words("""ნინო მარიამ თამარ ანა ეკატერინე ნათია სალომე ქეთევან მაკა ხატია ეკა ლალი
მანანა ნანა თეონა სოფიო ელენე ნესტან ლიკა თინათინ""")
KA_TO_RU_GIVEN = {
    "გიორგი": "Георгий",
    "დავით": "Давид",
    "ნიკოლოზ": "Николай",
    "მიხეილ": "Михаил",
    "ალექსანდრე": "Александр",
    "ეკატერინე": "Екатерина",
    "ანა": "Анна",
    "თამარ": "Тамара",
    "ილია": "Илья",
    "ედუარდ": "Эдуард",
    "ელენე": "Елена",
    "სოფიო": "Софья",
}

# Arabic: (script, Latin spellings, Russian spellings)
AR_GIVEN_M = [
    (
        "محمد",
        "Mohammed Muhammad Mohamed Mohammad Muhammed Mohamad Mehmed",
        "Мухаммад Мохаммед Мухаммед Магомед",
    ),
    ("أحمد", "Ahmed Ahmad Ahmet", "Ахмед Ахмад"),
    ("علي", "Ali Aly", "Али"),
    ("حسن", "Hassan Hasan Hassen", "Хасан Гасан"),
    ("حسين", "Hussein Husain Hussain Hossein Husayn Houssein", "Хусейн Гусейн Хуссейн"),
    ("عبد الله", "Abdullah Abdallah Abdulla Abd Allah Abdellah", "Абдулла Абдаллах"),
    (
        "عبد الرحمن",
        "Abdulrahman Abdul Rahman Abdelrahman Abd al-Rahman Abdurrahman Abderrahmane",
        "Абдуррахман Абдул-Рахман",
    ),
    ("عبد العزيز", "Abdulaziz Abdul Aziz Abdelaziz Abd al-Aziz", "Абдулазиз Абдель-Азиз"),
    ("خالد", "Khalid Khaled Khaleed", "Халид Халед"),
    ("يوسف", "Yusuf Youssef Yousef Yusef Youssouf Joussef", "Юсуф Юсеф"),
    ("إبراهيم", "Ibrahim Ebrahim Ibraheem Brahim", "Ибрахим Ибрагим"),
    ("عمر", "Omar Umar Omer", "Умар Омар"),
    ("مصطفى", "Mustafa Moustafa Mostafa Mustapha", "Мустафа"),
    ("محمود", "Mahmoud Mahmud Mahmood Mahmut", "Махмуд"),
    ("سعيد", "Saeed Said Saied Sayed", "Саид Саид"),
    ("عثمان", "Othman Osman Uthman Usman Otman", "Усман Осман"),
    ("صالح", "Saleh Salih Saleh", "Салех Салих"),
    ("ناصر", "Nasser Nasir Naser Nacer", "Насер Насир"),
    ("فيصل", "Faisal Faysal Feisal Faycal", "Фейсал Фейсаль"),
    ("طارق", "Tariq Tarek Tarik Tareq", "Тарик Тарек"),
    ("كريم", "Karim Kareem Kerim", "Карим"),
    ("جمال", "Jamal Gamal Djamel Djamal Dschamal", "Джамаль Джамал"),
    ("رشيد", "Rashid Rachid Rasheed Rashed", "Рашид"),
    ("ياسر", "Yasser Yasir Yaser Jasser", "Ясир Ясер"),
    ("زياد", "Ziad Ziyad Zyad", "Зияд Зиад"),
    ("وليد", "Walid Waleed Oualid", "Валид"),
    ("هاني", "Hani Hany Hanei", "Хани"),
    ("أمين", "Amin Ameen Amine", "Амин"),
    ("حمزة", "Hamza Hamzah Hamzeh", "Хамза"),
    ("بلال", "Bilal Belal", "Билал Билял"),
    ("سليمان", "Suleiman Sulaiman Soliman Slimane Suleyman", "Сулейман"),
    ("منصور", "Mansour Mansur Mansoor", "Мансур"),
    ("عادل", "Adel Adil Aadel", "Адель Адиль"),
    ("ماجد", "Majed Majid Maged", "Маджид Маджед"),
    ("نبيل", "Nabil Nabeel", "Набиль"),
    ("سامي", "Sami Samy", "Сами"),
    ("فارس", "Fares Faris", "Фарес Фарис"),
    ("قاسم", "Qasim Kassem Qassem Kasim", "Касим Касем"),
    ("مراد", "Murad Mourad Morad", "Мурад"),
    ("إسماعيل", "Ismail Ismael Esmail", "Исмаил"),
]
AR_GIVEN_F = [
    ("فاطمة", "Fatima Fatma Fatemeh Fatimah", "Фатима"),
    ("عائشة", "Aisha Aicha Ayesha Aysha", "Аиша Айша"),
    ("مريم", "Maryam Mariam Meriem Mariem", "Марьям Мариам"),
    ("زينب", "Zainab Zeinab Zaynab Zineb", "Зейнаб Зайнаб"),
    ("نور", "Nour Noor Nur", "Нур"),
    ("ليلى", "Layla Leila Laila Leyla", "Лейла Лайла"),
    ("خديجة", "Khadija Khadidja Khadeeja", "Хадиджа"),
    ("سارة", "Sara Sarah", "Сара"),
    ("هدى", "Huda Houda Hoda", "Худа"),
    ("أمل", "Amal Amel", "Амаль"),
    ("رنا", "Rana Rania", "Рана"),
    ("سلمى", "Salma Selma", "Сальма"),
    ("ياسمين", "Yasmin Yasmine Jasmin", "Ясмин"),
    ("هند", "Hind Hend", "Хинд"),
    ("لينا", "Lina Leena", "Лина"),
]
AR_FAMILY = [
    ("الحسيني", "Al-Husseini El Husseini Alhusseini Al Husaini", "Аль-Хусейни"),
    ("الخطيب", "Al-Khatib El Khatib Alkhatib Al Khateeb El-Khatib", "Аль-Хатиб"),
    ("حداد", "Haddad Hadad", "Хаддад"),
    ("المصري", "Al-Masri El Masry Almasri Al Masri", "Аль-Масри"),
    ("الشمري", "Al-Shammari Alshammari Al Shamari Ash-Shammari", "Аш-Шаммари Аль-Шаммари"),
    ("القحطاني", "Al-Qahtani Alqahtani Al Kahtani Alkahtani", "Аль-Кахтани"),
    ("العتيبي", "Al-Otaibi Alotaibi Al Utaybi Al-Oteibi", "Аль-Утайби Аль-Отайби"),
    ("الزهراني", "Al-Zahrani Alzahrani Az-Zahrani", "Аз-Захрани Аль-Захрани"),
    ("الدوسري", "Al-Dosari Aldossary Al-Dawsari Ad-Dosari", "Ад-Досари Аль-Досари"),
    ("الغامدي", "Al-Ghamdi Alghamdi Al Ghamdi", "Аль-Гамди"),
    ("التميمي", "Al-Tamimi Altamimi At-Tamimi Al Tamimi", "Ат-Тамими Аль-Тамими"),
    ("منصور", "Mansour Mansur Mansoor", "Мансур"),
    ("عباس", "Abbas Abas", "Аббас"),
    ("حمدان", "Hamdan Hamdane", "Хамдан"),
    ("النجار", "Al-Najjar Elnaggar Al Najar Annajjar", "Ан-Наджар Аль-Наджар"),
    ("الحلبي", "Al-Halabi Alhalabi El Halabi", "Аль-Халаби"),
    ("العلي", "Al-Ali Alali El Ali", "Аль-Али"),
    ("الأحمد", "Al-Ahmad Alahmad Al Ahmed", "Аль-Ахмад"),
    ("السيد", "Al-Sayed El Sayed Elsayed As-Sayyid", "Ас-Сайид Аль-Сайед"),
    ("الرفاعي", "Al-Rifai Alrefai Ar-Rifai El Refaei", "Ар-Рифаи"),
    ("الكبيسي", "Al-Kubaisi Alkubaisi Al Kubaysi", "Аль-Кубайси"),
    ("الجبوري", "Al-Jubouri Aljubouri Al Juburi Al-Jaburi", "Аль-Джубури"),
    ("الدليمي", "Al-Dulaimi Aldulaimi Ad-Dulaymi", "Ад-Дулейми Аль-Дулайми"),
    ("العبيدي", "Al-Obaidi Alobaidi Al-Ubaydi", "Аль-Убайди"),
    ("الساعدي", "Al-Saadi Alsaadi As-Saadi", "Ас-Саади"),
    ("البغدادي", "Al-Baghdadi Albaghdadi El Baghdadi", "Аль-Багдади"),
    ("الشامي", "Al-Shami Alshami Ash-Shami", "Аш-Шами"),
    ("نصر الله", "Nasrallah Nasr Allah Nasrullah", "Насралла Насрулла"),
    ("خليل", "Khalil Khaleel Halil", "Халиль Халил"),
    ("يونس", "Younes Yunus Younis Yunes", "Юнус Юнес"),
    ("عيسى", "Issa Isa Eissa", "Иса Исса"),
    ("سلامة", "Salameh Salama Salamah", "Салама"),
    ("عوض", "Awad Awadh Aouad", "Авад"),
    ("شريف", "Sharif Cherif Shareef", "Шариф"),
    ("بركات", "Barakat Baraket", "Баракат"),
]

# ---------------------------------------------------------------------------------------
# Transliteration tables (hand-written from the schemes; independent of the matcher)
# ---------------------------------------------------------------------------------------

_RU_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯіїєІЇЄ")

ICAO = {  # ICAO Doc 9303 part 3 (7th ed.), Cyrillic table
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ґ": "g",
    "є": "ie",
    "і": "i",
    "ї": "i",
    "'": "",
    "’": "",
}
BGN = {  # BGN/PCGN 1947 Russian (ё -> ë kept sometimes; ь/ъ dropped in practice)
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "ë",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "'",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ґ": "g",
    "є": "ye",
    "і": "i",
    "ї": "yi",
    "'": "",
    "’": "",
}
ISO9 = {  # ISO 9:1995
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "ë",
    "ж": "ž",
    "з": "z",
    "и": "i",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "č",
    "ш": "š",
    "щ": "ŝ",
    "ъ": "ʺ",
    "ы": "y",
    "ь": "ʹ",
    "э": "è",
    "ю": "û",
    "я": "â",
    "ґ": "g̀",
    "є": "ê",
    "і": "ì",
    "ї": "ï",
    "'": "",
    "’": "",
}
GERMAN = {  # Duden
    "а": "a",
    "б": "b",
    "в": "w",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "jo",
    "ж": "sch",
    "з": "s",
    "и": "i",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "ch",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "ju",
    "я": "ja",
    "ґ": "g",
    "є": "je",
    "і": "i",
    "ї": "ji",
    "'": "",
    "’": "",
}
FRENCH = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "ï",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "ou",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "tch",
    "ш": "ch",
    "щ": "chtch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iou",
    "я": "ia",
    "ґ": "g",
    "є": "ie",
    "і": "i",
    "ї": "ï",
    "'": "",
    "’": "",
}
UK_NATIONAL = {  # Ukrainian KMU 2010 (passports); initial forms handled in code
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ё": "io",
    "ы": "y",
    "э": "e",
    "ъ": "",
}
UK_NATIONAL_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
CYR_SCHEMES = {"icao": ICAO, "bgn": BGN, "iso9": ISO9, "german": GERMAN, "french": FRENCH}

HY_NATIONAL = {
    "ա": "a",
    "բ": "b",
    "գ": "g",
    "դ": "d",
    "ե": "e",
    "զ": "z",
    "է": "e",
    "ը": "y",
    "թ": "t",
    "ժ": "zh",
    "ի": "i",
    "լ": "l",
    "խ": "kh",
    "ծ": "ts",
    "կ": "k",
    "հ": "h",
    "ձ": "dz",
    "ղ": "gh",
    "ճ": "ch",
    "մ": "m",
    "յ": "y",
    "ն": "n",
    "շ": "sh",
    "ո": "o",
    "չ": "ch",
    "պ": "p",
    "ջ": "j",
    "ռ": "r",
    "ս": "s",
    "վ": "v",
    "տ": "t",
    "ր": "r",
    "ց": "ts",
    "ւ": "v",
    "փ": "p",
    "ք": "k",
    "օ": "o",
    "ֆ": "f",
    "և": "ev",
}
HY_ISO9985 = {
    "ա": "a",
    "բ": "b",
    "գ": "g",
    "դ": "d",
    "ե": "e",
    "զ": "z",
    "է": "ē",
    "ը": "ë",
    "թ": "tʿ",
    "ժ": "ž",
    "ի": "i",
    "լ": "l",
    "խ": "x",
    "ծ": "ç",
    "կ": "k",
    "հ": "h",
    "ձ": "j",
    "ղ": "ġ",
    "ճ": "č̣",
    "մ": "m",
    "յ": "y",
    "ն": "n",
    "շ": "š",
    "ո": "o",
    "չ": "č",
    "պ": "p",
    "ջ": "ǰ",
    "ռ": "ṙ",
    "ս": "s",
    "վ": "v",
    "տ": "t",
    "ր": "r",
    "ց": "cʿ",
    "ւ": "w",
    "փ": "pʿ",
    "ք": "kʿ",
    "օ": "ō",
    "ֆ": "f",
    "և": "ew",
}
HY_TO_RU = {
    "ա": "а",
    "բ": "б",
    "գ": "г",
    "դ": "д",
    "ե": "е",
    "զ": "з",
    "է": "э",
    "ը": "ы",
    "թ": "т",
    "ժ": "ж",
    "ի": "и",
    "լ": "л",
    "խ": "х",
    "ծ": "ц",
    "կ": "к",
    "հ": "г",
    "ձ": "дз",
    "ղ": "г",
    "ճ": "ч",
    "մ": "м",
    "յ": "й",
    "ն": "н",
    "շ": "ш",
    "ո": "о",
    "չ": "ч",
    "պ": "п",
    "ջ": "дж",
    "ռ": "р",
    "ս": "с",
    "վ": "в",
    "տ": "т",
    "ր": "р",
    "ց": "ц",
    "ւ": "в",
    "փ": "п",
    "ք": "к",
    "օ": "о",
    "ֆ": "ф",
    "և": "ев",
}
KA_NATIONAL = {  # Georgian national system 2002, apostrophes as in the standard
    "ა": "a",
    "ბ": "b",
    "გ": "g",
    "დ": "d",
    "ე": "e",
    "ვ": "v",
    "ზ": "z",
    "თ": "t",
    "ი": "i",
    "კ": "k'",
    "ლ": "l",
    "მ": "m",
    "ნ": "n",
    "ო": "o",
    "პ": "p'",
    "ჟ": "zh",
    "რ": "r",
    "ს": "s",
    "ტ": "t'",
    "უ": "u",
    "ფ": "p",
    "ქ": "k",
    "ღ": "gh",
    "ყ": "q'",
    "შ": "sh",
    "ჩ": "ch",
    "ც": "ts",
    "ძ": "dz",
    "წ": "ts'",
    "ჭ": "ch'",
    "ხ": "kh",
    "ჯ": "j",
    "ჰ": "h",
}
KA_ISO9984 = {
    "ა": "a",
    "ბ": "b",
    "გ": "g",
    "დ": "d",
    "ე": "e",
    "ვ": "v",
    "ზ": "z",
    "თ": "t",
    "ი": "i",
    "კ": "ḳ",
    "ლ": "l",
    "მ": "m",
    "ნ": "n",
    "ო": "o",
    "პ": "ṗ",
    "ჟ": "ž",
    "რ": "r",
    "ს": "s",
    "ტ": "ṭ",
    "უ": "u",
    "ფ": "p",
    "ქ": "k",
    "ღ": "ġ",
    "ყ": "q̇",
    "შ": "š",
    "ჩ": "č",
    "ც": "c",
    "ძ": "j",
    "წ": "c̣",
    "ჭ": "č̣",
    "ხ": "x",
    "ჯ": "ǰ",
    "ჰ": "h",
}
KA_TO_RU = {
    "ა": "а",
    "ბ": "б",
    "გ": "г",
    "დ": "д",
    "ე": "е",
    "ვ": "в",
    "ზ": "з",
    "თ": "т",
    "ი": "и",
    "კ": "к",
    "ლ": "л",
    "მ": "м",
    "ნ": "н",
    "ო": "о",
    "პ": "п",
    "ჟ": "ж",
    "რ": "р",
    "ს": "с",
    "ტ": "т",
    "უ": "у",
    "ფ": "ф",
    "ქ": "к",
    "ღ": "г",
    "ყ": "к",
    "შ": "ш",
    "ჩ": "ч",
    "ც": "ц",
    "ძ": "дз",
    "წ": "ц",
    "ჭ": "ч",
    "ხ": "х",
    "ჯ": "дж",
    "ჰ": "х",
}


def _is_cyr_vowel(ch: str) -> bool:
    return ch in _RU_VOWELS


def _case_like(src: str, out: str) -> str:
    if src.isupper() and len(src) > 1:
        return out.upper()
    if src[:1].isupper():
        return out[:1].upper() + out[1:]
    return out


def translit_cyr(word: str, scheme: str) -> str:
    """Romanise one Cyrillic word with the named scheme."""
    low = word.lower()
    out: list[str] = []
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else ""
        initial = i == 0 or prev in "ьъ'’-" or _is_cyr_vowel(prev)
        if scheme == "uk":
            if i == 0 and ch in UK_NATIONAL_INITIAL:
                out.append(UK_NATIONAL_INITIAL[ch])
            elif ch == "г" and prev == "з":
                out.append("gh")
            else:
                out.append(UK_NATIONAL.get(ch, ch))
            continue
        table = CYR_SCHEMES[scheme]
        if scheme == "bgn" and ch in "её" and initial:
            out.append("ye" if ch == "е" else "yë")
        elif scheme == "german" and ch == "е" and initial:
            out.append("je")
        elif (
            scheme == "german"
            and ch == "с"
            and i
            and _is_cyr_vowel(prev)
            and (i + 1 < len(low) and _is_cyr_vowel(low[i + 1]))
        ) or (
            scheme == "french"
            and ch == "с"
            and i
            and _is_cyr_vowel(prev)
            and (i + 1 < len(low) and _is_cyr_vowel(low[i + 1]))
        ):
            out.append("ss")
        elif scheme == "french" and ch == "г" and i + 1 < len(low) and low[i + 1] in "еиэый":
            out.append("gu")
        elif scheme in ("german", "french") and ch == "й" and prev == "и" and i == len(low) - 1:
            out.append("")  # -ий -> -i
        else:
            out.append(table.get(ch, ch))
    res = "".join(out)
    if scheme == "french" and (low.endswith("ин") or low.endswith("ын")):
        res += "e"  # Chtchoukine, Poutine
    return _case_like(word, res)


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- Russian adaptation of Azerbaijani / Turkish names (the Soviet-era practice) ---------


def az_to_russian(word: str, rng: random.Random) -> str:
    w = word.replace("İ", "i").lower()
    # conventional simplifications
    w = w.replace("məmməd", rng.choice(["мамед", "мамед", "маммад"]))
    w = w.replace("əhməd", rng.choice(["ахмед", "ахмад"]))
    w = w.replace("məhəmməd", rng.choice(["магомед", "мухаммед", "мамед"]))
    out: list[str] = []
    i = 0
    vowels = set("aeəıioöuü")
    while i < len(w):
        ch = w[i]
        nxt = w[i + 1] if i + 1 < len(w) else ""
        prev = w[i - 1] if i else ""
        if ord(ch) >= 0x400:  # already converted chunk
            out.append(ch)
        elif ch == "y" and nxt == "e" and (i == 0 or prev in vowels):
            out.append("е")
            i += 1
        elif ch == "y" and nxt == "a":
            out.append("я")
            i += 1
        elif ch == "y" and nxt in "uü":
            out.append("ю")
            i += 1
        elif ch == "y":
            out.append("й")
        elif ch == "ə":
            out.append(rng.choice(["а", "е"]) if i else rng.choice(["а", "э"]))
        elif ch == "e":
            out.append("э" if i == 0 else "е")
        elif ch == "ı":
            out.append(rng.choice(["ы", "ы", "и"]))
        elif ch == "ğ":
            out.append("г")
        elif ch == "h":
            out.append(rng.choice(["г", "х"]) if i == 0 else rng.choice(["г", "х", "х"]))
        elif ch == "ü":
            out.append(rng.choice(["ю", "у"]))
        elif ch == "ö":
            out.append(rng.choice(["ё", "о", "е"]))
        elif ch == "ş":
            out.append("ш")
        elif ch == "ç":
            out.append("ч")
        elif ch == "x":
            out.append("х")
        elif ch == "q":
            out.append(rng.choice(["г", "к"]))
        elif ch == "c":
            out.append("дж")
        elif ch == "j":
            out.append("ж")
        elif ch == "i" and nxt == "y" and i + 2 < len(w) and w[i + 2] == "e":
            out.append("ие")  # Əliyev -> Алиев
            i += 2
        else:
            out.append(
                {
                    "a": "а",
                    "b": "б",
                    "d": "д",
                    "f": "ф",
                    "g": "г",
                    "i": "и",
                    "k": "к",
                    "l": "л",
                    "m": "м",
                    "n": "н",
                    "o": "о",
                    "p": "п",
                    "r": "р",
                    "s": "с",
                    "t": "т",
                    "u": "у",
                    "v": "в",
                    "z": "з",
                }.get(ch, ch)
            )
        i += 1
    res = "".join(out)
    if rng.random() < 0.5:
        for a, b in (("мм", "м"), ("лл", "л"), ("сс", "с")):
            res = res.replace(a, b)
    return res[:1].upper() + res[1:]


def hy_to_russian(word: str, rng: random.Random) -> str:
    w = word.lower()
    out: list[str] = []
    i = 0
    while i < len(w):
        ch = w[i]
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch == "ո" and nxt == "ւ":
            out.append("у")
            i += 2
            continue
        if ch == "յ" and w[i + 1 : i + 3] == "ան":
            out.append("ян")
            i += 3
            continue
        if ch == "հ" and i == 0:
            out.append(rng.choice(["", "", "г", "о"]) if nxt == "ո" else rng.choice(["", "г", "х"]))
            i += 1
            continue
        if ch == "ղ":
            out.append(rng.choice(["г", "х", "к"]))
        elif ch == "ո" and i == 0:
            out.append(rng.choice(["во", "о"]))
        elif ch == "ե" and i == 0:
            out.append(rng.choice(["е", "е", "э"]))
        elif ch == "ը":
            out.append(rng.choice(["ы", "е", ""]))
        else:
            out.append(HY_TO_RU.get(ch, ch))
        i += 1
    res = "".join(out)
    res = res.replace("оов", "ов")
    return res[:1].upper() + res[1:]


def ka_to_russian(word: str, rng: random.Random, given: bool) -> str:
    if given and word in KA_TO_RU_GIVEN and rng.random() < 0.7:
        return KA_TO_RU_GIVEN[word]
    out = [KA_TO_RU.get(ch, ch) for ch in word]
    if out and out[0] == "е":
        out[0] = "э"
    res = "".join(out)
    if given and res.endswith("и") and rng.random() < 0.3:
        res = res[:-1] + "ий"
    return res[:1].upper() + res[1:]


TR_TO_RU = {
    "a": "а",
    "b": "б",
    "c": "дж",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ğ": "",
    "h": "х",
    "ı": "ы",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "ö": "ё",
    "p": "п",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ü": "ю",
    "v": "в",
    "y": "й",
    "z": "з",
}


def tr_to_russian(word: str, rng: random.Random) -> str:
    w = word.replace("İ", "i").replace("I", "ı").lower()
    out: list[str] = []
    for i, ch in enumerate(w):
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch == "y" and nxt == "a":
            out.append("я")
            continue
        if ch == "a" and out and out[-1] == "я":
            continue
        if ch == "e" and i == 0:
            out.append("э")
        elif ch == "ö":
            out.append("ё" if i else rng.choice(["о", "э"]))
        elif ch == "ü":
            out.append("ю")
        elif ch == "ğ":
            out.append(rng.choice(["", "г"]))
        else:
            out.append(TR_TO_RU.get(ch, ch))
    res = "".join(out)
    return res[:1].upper() + res[1:]


def ru_patronymic(father_ru: str, female: bool) -> str:
    f = father_ru
    special = {
        "Илья": ("Ильич", "Ильинична"),
        "Никита": ("Никитич", "Никитична"),
        "Лев": ("Львович", "Львовна"),
        "Пётр": ("Петрович", "Петровна"),
        "Павел": ("Павлович", "Павловна"),
        "Юрий": ("Юрьевич", "Юрьевна"),
        "Игорь": ("Игоревич", "Игоревна"),
    }
    if f in special:
        return special[f][1 if female else 0]
    if f.endswith("ий"):
        stem, m, w = f[:-2], "иевич", "иевна"
    elif f.endswith("й") or f.endswith("ь"):
        stem, m, w = f[:-1], "евич", "евна"
    elif f[-1] in "аяео":
        stem, m, w = f[:-1], "ович", "овна"
    elif f[-1] in "иу":
        stem, m, w = f, "евич", "евна"
    else:
        stem, m, w = f, "ович", "овна"
    return stem + (w if female else m)


def uk_patronymic(father: str, female: bool) -> str:
    f = father
    if f.endswith("ій"):
        return f[:-2] + ("іївна" if female else "ійович")
    if f.endswith("й"):
        return f[:-1] + ("ївна" if female else "йович")
    if f.endswith("о"):
        return f[:-1] + ("івна" if female else "ович")
    if f == "Ілля":
        return "Іллівна" if female else "Ілліч"
    return f + ("івна" if female else "ович")


def ru_feminine_surname(s: str) -> str:
    for suf, fem in (
        ("ский", "ская"),
        ("цкий", "цкая"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("ёв", "ёва"),
        ("ин", "ина"),
        ("ын", "ына"),
    ):
        if s.endswith(suf):
            return s[: -len(suf)] + fem
    return s


def uk_feminine_surname(s: str) -> str:
    for suf, fem in (
        ("ський", "ська"),
        ("цький", "цька"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("ін", "іна"),
        ("ин", "ина"),
    ):
        if s.endswith(suf):
            return s[: -len(suf)] + fem
    return s


def az_feminine_surname(s: str) -> str:
    if s.endswith("ov") or s.endswith("yev") or s.endswith("ev"):
        return s + "a"
    return s


# ---------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A synthetic person in native script. ``extra`` is the Arabic grandfather's name."""

    pid: str
    lang: str
    female: bool
    surname: str
    given: str
    father: str
    birth_date: str
    nationality: str
    extra: str = ""


def _pick_surname(lang: str, rng: random.Random, synthetic: bool) -> str:
    if lang == "ru":
        if synthetic:
            return rng.choice(RU_ROOTS) + rng.choice(RU_SUFFIXES)
        return rng.choice(RU_SURNAMES)
    if lang == "uk":
        if synthetic:
            return rng.choice(UK_ROOTS) + rng.choice(UK_SUFFIXES)
        return rng.choice(UK_SURNAMES)
    if lang == "az":
        if synthetic:
            g = rng.choice(AZ_MALE)
            suf = rng.choice(AZ_SURNAME_SUFFIXES)
            if suf == "yev" and g[-1] not in "aeəıioöuü":
                suf = "ov"
            if suf == "ov" and g[-1] in "aeəıioöuü":
                suf = "yev"
            return g + suf
        return rng.choice(AZ_SURNAMES)
    if lang == "tr":
        if synthetic:
            return rng.choice(TR_PREFIX) + rng.choice(TR_SUFFIX)
        return rng.choice(TR_SURNAMES)
    if lang == "hy":
        if synthetic:
            g = rng.choice(HY_MALE)
            return g + "յան"
        return rng.choice(HY_SURNAMES)
    if lang == "ka":
        if synthetic:
            return rng.choice(KA_ROOTS) + rng.choice(KA_SUFFIXES)
        return rng.choice(KA_SURNAMES)
    if lang == "ar":
        if synthetic and rng.random() < 0.5:
            return rng.choice(AR_GIVEN_M)[0]
        return rng.choice(AR_FAMILY)[0]
    raise ValueError(lang)


def _given_pool(lang: str, female: bool) -> list[str]:
    pools = {
        "ru": (RU_MALE, RU_FEMALE),
        "uk": (UK_MALE, UK_FEMALE),
        "az": (AZ_MALE, AZ_FEMALE),
        "tr": (TR_MALE, TR_FEMALE),
        "hy": (HY_MALE, HY_FEMALE),
        "ka": (KA_MALE, KA_FEMALE),
        "ar": ([g[0] for g in AR_GIVEN_M], [g[0] for g in AR_GIVEN_F]),
    }
    return pools[lang][1 if female else 0]


def _birth_date(rng: random.Random) -> str:
    y = rng.randint(1940, 2005)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}"


def make_person(pid: str, lang: str, rng: random.Random, synthetic_surname: bool = False) -> Person:
    female = rng.random() < 0.35
    surname = _pick_surname(lang, rng, synthetic_surname)
    given = rng.choice(_given_pool(lang, female))
    father = rng.choice(_given_pool(lang, False))
    extra = rng.choice(_given_pool(lang, False)) if lang == "ar" else ""
    nat_codes = NATIONALITY[lang]
    nationality = rng.choice(nat_codes)
    return Person(pid, lang, female, surname, given, father, _birth_date(rng), nationality, extra)


def replace_given(p: Person, rng: random.Random) -> Person:
    pool = [g for g in _given_pool(p.lang, p.female) if g != p.given]
    return Person(
        p.pid + "-g",
        p.lang,
        p.female,
        p.surname,
        rng.choice(pool),
        p.father,
        p.birth_date,
        p.nationality,
        p.extra,
    )


def replace_surname(p: Person, rng: random.Random) -> Person:
    for _ in range(50):
        s = _pick_surname(p.lang, rng, rng.random() < 0.3)
        if s != p.surname:
            break
    return Person(
        p.pid + "-s", p.lang, p.female, s, p.given, p.father, p.birth_date, p.nationality, p.extra
    )


# ---------------------------------------------------------------------------------------
# Views: how a person's name is written somewhere
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """Name parts in one script/transliteration, before word order is applied."""

    surname: str
    given: str
    patronymic: str  # may be "" (and may itself contain spaces: "Əli oğlu", "bin Ali")
    script: str  # "native", "latin", "cyrillic"


def _ar_lookup(native: str) -> tuple[str, list[str], list[str]]:
    for row in (*AR_GIVEN_M, *AR_GIVEN_F, *AR_FAMILY):
        if row[0] == native:
            lat = _split_spellings(row[1])
            return row[0], lat, row[2].split()
    raise KeyError(native)


def _split_spellings(s: str) -> list[str]:
    # Spellings are space separated, but some spellings have two words ("Abd Allah",
    # "Al Husaini", "El Khatib"): join tokens that are particles with the next one.
    toks = s.split()
    out: list[str] = []
    i = 0
    particles = {"Abd", "Abdul", "Abdel", "Al", "El", "Nasr"}
    while i < len(toks):
        if toks[i] in particles and i + 1 < len(toks):
            out.append(toks[i] + " " + toks[i + 1])
            i += 2
        else:
            out.append(toks[i])
            i += 1
    return out


def _ru_form(p: Person, rng: random.Random) -> Parts:
    """The person as written in Russian Cyrillic."""
    if p.lang == "ru":
        s = ru_feminine_surname(p.surname) if p.female else p.surname
        return Parts(s, p.given, ru_patronymic(p.father, p.female), "cyrillic")
    if p.lang == "uk":

        def uk2ru(w: str) -> str:
            w2 = (
                w.replace("і", "и")
                .replace("ї", "и")
                .replace("є", "е")
                .replace("ґ", "г")
                .replace("'", "")
                .replace("’", "")
            )
            w2 = w2.replace("Є", "Е").replace("І", "И").replace("Ї", "И")
            return w2

        s = uk_feminine_surname(p.surname) if p.female else p.surname
        given = UK_TO_RU_GIVEN.get(p.given, uk2ru(p.given))
        father = UK_TO_RU_GIVEN.get(p.father, uk2ru(p.father))
        return Parts(uk2ru(s), given, ru_patronymic(father, p.female), "cyrillic")
    if p.lang == "az":
        s = az_feminine_surname(p.surname) if p.female else p.surname
        s_ru = az_to_russian(s, rng)
        father_ru = az_to_russian(p.father, rng)
        if rng.random() < 0.5:
            patr = father_ru + (" кызы" if p.female else " оглы")
        else:
            patr = ru_patronymic(father_ru, p.female)
        return Parts(s_ru, az_to_russian(p.given, rng), patr, "cyrillic")
    if p.lang == "tr":
        return Parts(tr_to_russian(p.surname, rng), tr_to_russian(p.given, rng), "", "cyrillic")
    if p.lang == "hy":
        s = hy_to_russian(p.surname, rng)
        g = hy_to_russian(p.given, rng)
        patr = ru_patronymic(hy_to_russian(p.father, rng), p.female) if rng.random() < 0.5 else ""
        return Parts(s, g, patr, "cyrillic")
    if p.lang == "ka":
        s = ka_to_russian(p.surname, rng, given=False)
        g = ka_to_russian(p.given, rng, given=True)
        f = ka_to_russian(p.father, rng, given=True)
        patr = ru_patronymic(f, p.female) if rng.random() < 0.4 else ""
        return Parts(s, g, patr, "cyrillic")
    if p.lang == "ar":
        s = rng.choice(_ar_lookup(p.surname)[2])
        g = rng.choice(_ar_lookup(p.given)[2])
        f = rng.choice(_ar_lookup(p.father)[2])
        patr = f if rng.random() < 0.5 else ("бен " + f if rng.random() < 0.3 else f)
        return Parts(s, g, patr, "cyrillic")
    raise ValueError(p.lang)


def _native_form(p: Person, rng: random.Random) -> Parts:
    if p.lang == "ru":
        return _ru_form(p, rng)
    if p.lang == "uk":
        s = uk_feminine_surname(p.surname) if p.female else p.surname
        return Parts(s, p.given, uk_patronymic(p.father, p.female), "native")
    if p.lang == "az":
        s = az_feminine_surname(p.surname) if p.female else p.surname
        return Parts(s, p.given, p.father + (" qızı" if p.female else " oğlu"), "native")
    if p.lang == "tr":
        return Parts(p.surname, p.given, "", "native")
    if p.lang in ("hy", "ka"):
        return Parts(p.surname, p.given, "", "native")
    if p.lang == "ar":
        patr = p.father + (" " + p.extra if rng.random() < 0.5 else "")
        if rng.random() < 0.3:
            patr = ("بنت " if p.female else "بن ") + patr
        return Parts(p.surname, p.given, patr, "native")
    raise ValueError(p.lang)


def _romanise_word(word: str, lang: str, scheme: str, rng: random.Random) -> str:
    if not word:
        return word
    if lang in ("ru", "cyr"):
        return translit_cyr(word, scheme)
    if lang == "uk":
        return translit_cyr(word, "uk" if scheme == "national" else scheme)
    if lang == "hy":
        table = HY_NATIONAL if scheme in ("national", "west") else HY_ISO9985
        w = word.lower()
        out: list[str] = []
        i = 0
        while i < len(w):
            ch = w[i]
            if ch == "ո" and i + 1 < len(w) and w[i + 1] == "ւ":
                out.append("u" if table is HY_NATIONAL else "ow")
                i += 2
                continue
            if table is HY_NATIONAL and i == 0 and ch == "ե":
                out.append("ye")
            elif table is HY_NATIONAL and i == 0 and ch == "ո":
                out.append("vo")
            elif table is HY_NATIONAL and ch == "ե" and i and w[i - 1] in "աեէըիոօ":
                out.append("ye")
            else:
                out.append(table.get(ch, ch))
            i += 1
        res = "".join(out)
        if scheme == "west" and res.endswith("yan"):
            res = res[:-3] + "ian"
        return res[:1].upper() + res[1:]
    if lang == "ka":
        if scheme == "iso9984":
            res = "".join(KA_ISO9984.get(ch, ch) for ch in word)
        else:
            res = "".join(KA_NATIONAL.get(ch, ch) for ch in word)
            if scheme == "passport":
                res = res.replace("'", "")
        return res[:1].upper() + res[1:]
    if lang == "az":
        if scheme == "mrz":
            return _az_fold(word)
        return word
    if lang == "tr":
        if scheme == "german":
            res = word.replace("ö", "oe").replace("ü", "ue").replace("Ö", "Oe").replace("Ü", "Ue")
            return _tr_fold(res)
        if scheme == "mrz":
            return _tr_fold(word)
        return word
    raise ValueError(lang)


def _az_fold(word: str) -> str:
    table = str.maketrans(
        {
            "ə": "a",
            "Ə": "A",
            "ı": "i",
            "I": "I",
            "İ": "I",
            "ş": "s",
            "Ş": "S",
            "ç": "c",
            "Ç": "C",
            "ğ": "g",
            "Ğ": "G",
            "ö": "o",
            "Ö": "O",
            "ü": "u",
            "Ü": "U",
        }
    )
    return word.translate(table)


def _tr_fold(word: str) -> str:
    return _az_fold(word)


def _romanise_parts(parts: Parts, lang: str, scheme: str, rng: random.Random) -> Parts:
    def rom(text: str) -> str:
        return " ".join(_romanise_word(w, lang, scheme, rng) for w in text.split())

    return Parts(rom(parts.surname), rom(parts.given), rom(parts.patronymic), "latin")


def _arabic_latin(p: Person, rng: random.Random) -> Parts:
    style = rng.random()

    def sp(native: str) -> str:
        opts = _ar_lookup(native)[1]
        return rng.choice(opts)

    s, g, f = sp(p.surname), sp(p.given), sp(p.father)
    if style < 0.3:
        patr = f
    elif style < 0.5:
        patr = ("bint " if p.female else rng.choice(["bin ", "ibn ", "ben "])) + f
    elif style < 0.7:
        patr = f + " " + sp(p.extra)
    else:
        patr = ""
    return Parts(s, g, patr, "latin")


VIEWS: dict[str, tuple[str, ...]] = {
    "ru": ("native", "icao", "bgn", "iso9", "german", "french"),
    "uk": ("native", "national", "icao", "ru-native", "ru-bgn", "ru-german", "ru-icao"),
    "az": ("native", "mrzfold", "ru-native", "ru-icao", "ru-bgn", "ru-german", "ru-french"),
    "tr": ("native", "mrzfold", "german", "ru-native", "ru-bgn", "ru-icao"),
    "hy": ("native", "national", "iso9985", "west", "ru-native", "ru-bgn", "ru-icao", "ru-german"),
    "ka": (
        "native",
        "national",
        "passport",
        "iso9984",
        "ru-native",
        "ru-bgn",
        "ru-german",
        "ru-icao",
    ),
    "ar": ("native", "latin", "latin", "ru-native", "ru-bgn", "ru-icao"),
}
NATIVE_SCRIPT_VIEWS = {"native", "ru-native"}


def view_parts(p: Person, view: str, rng: random.Random) -> Parts:
    if view == "native":
        return _native_form(p, rng)
    if view.startswith("ru-"):
        ru = _ru_form(p, rng)
        scheme = view[3:]
        if scheme == "native":
            return ru
        return _romanise_parts(ru, "cyr", scheme, rng)
    if p.lang == "ar":
        return _arabic_latin(p, rng)
    native = _native_form(p, rng)
    if p.lang in ("az", "tr") and view == "mrzfold":
        return _romanise_parts(native, p.lang, "mrz", rng)
    return _romanise_parts(native, p.lang, view, rng)


def mrz_field(parts: Parts, with_patronymic: bool) -> str:
    """ICAO 9303 name field: SURNAME<<GIVEN<NAMES, filler '<', umlauts expanded."""

    def mrzify(text: str) -> str:
        up = text.upper()
        up = up.replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE").replace("ß", "SS")
        up = _strip_marks(up)
        up = "".join(c if "A" <= c <= "Z" else ("<" if c in " -" else "") for c in up)
        return up

    given = parts.given + (" " + parts.patronymic if with_patronymic and parts.patronymic else "")
    field = mrzify(parts.surname) + "<<" + mrzify(given)
    field = field[:39]
    return field + "<" * (39 - len(field)) if len(field) < 39 and len(field) % 3 == 0 else field


def render(parts: Parts, rng: random.Random, *, allow_mrz: bool = True) -> str:
    """Join parts in a random but realistic order and case."""
    with_patr = bool(parts.patronymic) and rng.random() < 0.6
    if allow_mrz and parts.script == "latin" and rng.random() < 0.25:
        return mrz_field(parts, with_patronymic=with_patr and rng.random() < 0.3)
    order = rng.random()
    patr = parts.patronymic if with_patr else ""
    if order < 0.4:
        words = [parts.surname, parts.given, patr]
    elif order < 0.8:
        words = [parts.given, patr, parts.surname]
    else:
        words = [parts.surname + ",", parts.given, patr]
    text = " ".join(w for w in words if w)
    if rng.random() < 0.25:
        text = text.upper()
    return text


def render_person(p: Person, view: str, rng: random.Random, *, allow_mrz: bool = True) -> str:
    return render(view_parts(p, view, rng), rng, allow_mrz=allow_mrz)


# ---------------------------------------------------------------------------------------
# Labelled pairs
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    positive: bool
    lang: str
    kind: str  # "positive", "neg-given" (same surname), "neg-surname" (same given name)
    views: tuple[str, str]


def _two_views(lang: str, rng: random.Random) -> tuple[str, str]:
    views = VIEWS[lang]
    while True:
        a, b = rng.choice(views), rng.choice(views)
        # mostly cross-script: at least one side in a non-Latin script
        if (a != b or lang == "ar") and (
            a in NATIVE_SCRIPT_VIEWS or b in NATIVE_SCRIPT_VIEWS or rng.random() < 0.35
        ):
            return a, b


def pair_set(seed: int, per_lang: int, langs: tuple[str, ...] = LANGS) -> list[Pair]:
    """``per_lang`` positives plus ``per_lang`` hard negatives of each kind per language."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for lang in langs:
        for i in range(per_lang):
            p = make_person(f"{lang}{i}", lang, rng, synthetic_surname=rng.random() < 0.3)
            va, vb = _two_views(lang, rng)
            pairs.append(
                Pair(
                    render_person(p, va, rng),
                    render_person(p, vb, rng),
                    True,
                    lang,
                    "positive",
                    (va, vb),
                )
            )
            for kind, other in (
                ("neg-given", replace_given(p, rng)),
                ("neg-surname", replace_surname(p, rng)),
            ):
                va, vb = _two_views(lang, rng)
                pairs.append(
                    Pair(
                        render_person(p, va, rng),
                        render_person(other, vb, rng),
                        False,
                        lang,
                        kind,
                        (va, vb),
                    )
                )
    return pairs


# ---------------------------------------------------------------------------------------
# Watchlists
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRecord:
    entry_id: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    nationalities: tuple[str, ...]
    views: tuple[str, ...] = ()


def entry_for(p: Person, rng: random.Random, entry_id: str) -> EntryRecord:
    """A watchlist entry: 1-3 names in various scripts, like a consolidated list."""
    views = VIEWS[p.lang]
    n = rng.choice((1, 1, 2, 2, 3))
    chosen = rng.sample(views, k=min(n, len(views)))
    names = tuple(render_person(p, v, rng, allow_mrz=False) for v in chosen)
    r = rng.random()
    if r < 0.6:
        dates: tuple[str, ...] = (p.birth_date,)
    elif r < 0.75:
        dates = (p.birth_date[:4],)
    elif r < 0.85:
        dates = (p.birth_date, _birth_date(rng))
    else:
        dates = ()
    nats = (p.nationality,) if rng.random() < 0.8 else ()
    return EntryRecord(entry_id, names, dates, nats, tuple(chosen))


def watchlist(seed: int, n: int, planted: list[Person] | None = None) -> Iterator[EntryRecord]:
    """Yield ``n`` entries (streaming, to keep memory flat); planted persons are spread in."""
    rng = random.Random(seed)
    planted = planted or []
    plant_at = {}
    if planted:
        prng = random.Random(seed + 1)
        positions = prng.sample(range(n), k=len(planted))
        plant_at = dict(zip(positions, planted, strict=True))
    for i in range(n):
        eid = f"WL{i:07d}"
        if i in plant_at:
            p = plant_at[i]
            # planted persons keep their id and always have a full date of birth
            yield entry_for(p, rng, p.pid)
            continue
        lang = LANGS[rng.randrange(len(LANGS))]
        p = make_person(eid, lang, rng, synthetic_surname=rng.random() < 0.5)
        yield entry_for(p, rng, eid)


@dataclass(frozen=True)
class PlantedQuery:
    person: Person
    name: str
    view: str
    birth_date: str | None
    nationality: str | None


def planted_persons(seed: int, n: int = 100) -> list[Person]:
    rng = random.Random(seed)
    return [
        make_person(
            f"PLANT{i:03d}", LANGS[i % len(LANGS)], rng, synthetic_surname=rng.random() < 0.3
        )
        for i in range(n)
    ]


def planted_queries(
    seed: int, persons: list[Person], entries: dict[str, EntryRecord]
) -> list[PlantedQuery]:
    """One query per planted person, written in a view the entry does not use verbatim."""
    rng = random.Random(seed)
    out: list[PlantedQuery] = []
    for p in persons:
        entry = entries[p.pid]
        entry_names = set(entry.names)
        other_views = [v for v in VIEWS[p.lang] if v not in entry.views] or list(VIEWS[p.lang])
        for _ in range(20):
            view = rng.choice(other_views)
            name = render_person(p, view, rng)
            if name not in entry_names:
                break
        out.append(
            PlantedQuery(p, name, view, p.birth_date, p.nationality if rng.random() < 0.7 else None)
        )
    return out
