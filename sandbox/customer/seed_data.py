"""Static word lists the seed draws from: names in several scripts, places, companies.

Each name is ``(latin, native)``; gendered surnames carry a female form. ``name`` in the
gateway's name object is the Latin transliteration and ``native`` the original script.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    area: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Locale:
    language: str
    nationality: str
    phone_prefix: str
    operators: tuple[str, ...]
    family_name_first: bool
    male: tuple[tuple[str, str], ...]
    female: tuple[tuple[str, str], ...]
    # (latin, native) or (latin, native, latin female, native female)
    surnames: tuple[tuple[str, ...], ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    weight: int


# fmt: off
LOCALES = (
    Locale(
        "en", "GB", "+44", ("Vodafone", "O2", "EE"), False,
        (("Oliver", "Oliver"), ("George", "George"), ("Harry", "Harry"), ("Samuel", "Samuel")),
        (("Amelia", "Amelia"), ("Olivia", "Olivia"), ("Isla", "Isla"), ("Grace", "Grace")),
        (("Smith", "Smith"), ("Jones", "Jones"), ("Taylor", "Taylor"), ("Brown", "Brown"),
         ("Wilson", "Wilson"), ("O'Connor", "O'Connor")),
        (City("London", "Greater London", "GB", 51.5072, -0.1276),
         City("Manchester", "Greater Manchester", "GB", 53.4808, -2.2426)),
        ("Baker Street", "High Street", "Station Road", "Church Lane"),
        20,
    ),
    Locale(
        "de", "DE", "+49", ("Telekom", "Vodafone", "O2"), False,
        (("Jürgen", "Jürgen"), ("Lukas", "Lukas"), ("Felix", "Felix"), ("Max", "Max")),
        (("Anna", "Anna"), ("Sophie", "Sophie"), ("Mia", "Mia"), ("Käthe", "Käthe")),
        (("Müller", "Müller"), ("Schmidt", "Schmidt"), ("Schneider", "Schneider"),
         ("Fischer", "Fischer"), ("Weiß", "Weiß")),
        (City("Berlin", "Berlin", "DE", 52.52, 13.405),
         City("München", "Bayern", "DE", 48.1351, 11.582)),
        ("Hauptstraße", "Schillerstraße", "Gartenweg", "Bahnhofstraße"),
        15,
    ),
    Locale(
        "el", "GR", "+30", ("Cosmote", "Vodafone", "Nova"), False,
        (("Giorgos", "Γιώργος"), ("Dimitris", "Δημήτρης"), ("Nikos", "Νίκος"),
         ("Konstantinos", "Κωνσταντίνος")),
        (("Maria", "Μαρία"), ("Eleni", "Ελένη"), ("Katerina", "Κατερίνα"), ("Sofia", "Σοφία")),
        (("Papadopoulos", "Παπαδόπουλος", "Papadopoulou", "Παπαδοπούλου"),
         ("Nikolaou", "Νικολάου"), ("Georgiou", "Γεωργίου"), ("Oikonomou", "Οικονόμου"),
         ("Vlachos", "Βλάχος", "Vlachou", "Βλάχου")),
        (City("Athens", "Attica", "GR", 37.9838, 23.7275),
         City("Thessaloniki", "Central Macedonia", "GR", 40.6401, 22.9444)),
        ("Ermou", "Panepistimiou", "Tsimiski", "Egnatia"),
        15,
    ),
    Locale(
        "bg", "BG", "+359", ("A1", "Yettel", "Vivacom"), False,
        (("Georgi", "Георги"), ("Dimitar", "Димитър"), ("Ivan", "Иван"), ("Nikolay", "Николай")),
        (("Maria", "Мария"), ("Elena", "Елена"), ("Desislava", "Десислава"), ("Yana", "Яна")),
        (("Ivanov", "Иванов", "Ivanova", "Иванова"), ("Petrov", "Петров", "Petrova", "Петрова"),
         ("Georgiev", "Георгиев", "Georgieva", "Георгиева"),
         ("Dimitrov", "Димитров", "Dimitrova", "Димитрова")),
        (City("Sofia", "Sofia City", "BG", 42.6977, 23.3219),
         City("Plovdiv", "Plovdiv", "BG", 42.1354, 24.7453)),
        ("Vitosha Blvd", "Rakovski St", "Graf Ignatiev St", "Tsar Osvoboditel Blvd"),
        12,
    ),
    Locale(
        "es", "ES", "+34", ("Movistar", "Orange", "Vodafone"), False,
        (("José", "José"), ("Carlos", "Carlos"), ("Álvaro", "Álvaro"), ("Javier", "Javier")),
        (("Lucía", "Lucía"), ("María", "María"), ("Sofía", "Sofía"), ("Begoña", "Begoña")),
        (("García", "García"), ("Fernández", "Fernández"), ("López", "López"),
         ("Martínez", "Martínez"), ("Núñez", "Núñez")),
        (City("Madrid", "Comunidad de Madrid", "ES", 40.4168, -3.7038),
         City("Barcelona", "Cataluña", "ES", 41.3874, 2.1686)),
        ("Calle Mayor", "Gran Vía", "Calle de Alcalá", "Passeig de Gràcia"),
        12,
    ),
    Locale(
        "ja", "JP", "+81", ("NTT Docomo", "SoftBank", "au"), True,
        (("Taro", "太郎"), ("Haruto", "陽翔"), ("Kenji", "健二"), ("Sota", "蒼太")),
        (("Hanako", "花子"), ("Yui", "結衣"), ("Sakura", "さくら"), ("Aoi", "葵")),
        (("Sato", "佐藤"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Tanaka", "田中"),
         ("Watanabe", "渡辺")),
        (City("Tokyo", "Tokyo", "JP", 35.6762, 139.6503),
         City("Osaka", "Osaka", "JP", 34.6937, 135.5023)),
        ("Chuo-dori", "Omotesando", "Midosuji", "Meiji-dori"),
        8,
    ),
    Locale(
        "ar", "AE", "+971", ("Etisalat", "du"), False,
        (("Mohammed", "محمد"), ("Omar", "عمر"), ("Youssef", "يوسف"), ("Khalid", "خالد")),
        (("Fatima", "فاطمة"), ("Layla", "ليلى"), ("Mariam", "مريم"), ("Noor", "نور")),
        (("Haddad", "حداد"), ("Khoury", "خوري"), ("Al-Masri", "المصري"), ("Nassar", "نصار")),
        (City("Dubai", "Dubai", "AE", 25.2048, 55.2708),
         City("Abu Dhabi", "Abu Dhabi", "AE", 24.4539, 54.3773)),
        ("Sheikh Zayed Road", "Al Wasl Road", "Corniche Road", "Hamdan Street"),
        8,
    ),
    Locale(
        "zh", "CN", "+86", ("China Mobile", "China Unicom"), True,
        (("Wei", "伟"), ("Jun", "军"), ("Hao", "浩"), ("Ming", "明")),
        (("Fang", "芳"), ("Li", "丽"), ("Xiu", "秀"), ("Jing", "静")),
        (("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈")),
        (City("Shanghai", "Shanghai", "CN", 31.2304, 121.4737),
         City("Beijing", "Beijing", "CN", 39.9042, 116.4074)),
        ("Nanjing Road", "Huaihai Road", "Chang'an Avenue", "Wangfujing Street"),
        10,
    ),
)

# fmt: on

COMPANY_WORDS = (
    "Aegean",
    "Baltic",
    "Nordic",
    "Alpine",
    "Danube",
    "Iberian",
    "Atlas",
    "Orion",
    "Helios",
    "Meridian",
    "Cedar",
    "Harbor",
    "Summit",
    "Vertex",
    "Pioneer",
    "Lumen",
    "Crescent",
    "Sakura",
    "Jade",
    "Falcon",
    "Olympus",
    "Balkan",
)
COMPANY_TRADES = (
    "Freight",
    "Capital",
    "Logistics",
    "Foods",
    "Software",
    "Textiles",
    "Energy",
    "Holdings",
    "Trading",
    "Pharma",
    "Robotics",
    "Media",
)
COMPANY_FORMS = ("Ltd", "GmbH", "S.A.", "AE", "OOD", "K.K.", "LLC", "Co.")

SECRET_QUESTIONS = (
    "What was the name of your first pet?",
    "In which city did your parents meet?",
    "What was your childhood nickname?",
)
SECRET_WORDS = ("pluto", "lemon", "harbor", "violet", "comet", "maple", "tiger", "saffron")

# Customers whose visible fields carry HTML/JS payloads, to prove the back office escapes them.
PAYLOAD_CUSTOMERS = {
    7: {
        "first": '<script>alert("xss")</script>',
        "last": "Payload",
        "email": 'xss"><script>alert(1)</script>@example.test',
        "document": '<script>alert("xss")</script>.pdf',
        "street": "<img src=x onerror=alert('street')>",
    },
    13: {
        "first": '"><img src=x onerror=alert(1)>',
        "last": "Injector",
        "email": '"><img src=x onerror=alert(1)>@example.test',
        "document": '"><img src=x onerror=alert(1)>.png',
        "street": '"><svg onload=alert(1)>',
    },
    42: {
        "first": "javascript:alert(1)",
        "last": "<b>Bold</b> & 'Quotes' \"Double\"",
        "email": "javascript:alert(1)",
        "document": "javascript:alert(1)",
        "street": "{{ 7*7 }} ${7*7} <!--comment-->",
    },
}
