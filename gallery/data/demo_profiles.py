"""Demo witness profiles for `seed_demo`: 40 fictional professionals in French, Dutch and English.

Every name, workplace and story is invented. The taxonomy slugs come from `profiles.data.taxonomy`;
several job titles contain a JOB_SYNONYMS term so that cross-language search can be demonstrated.
Two profiles are unverified and must not appear in the gallery.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProfile:
    username: str  # "demo-pro-<short-slug>", unique, ASCII
    display_name: str
    job_title: str  # in the professional's main language
    sector: str  # a slug of taxonomy.SECTORS
    hook: str  # <= 150 characters, same language as the job title
    typical_day: str  # <= 900 characters
    career_path: tuple[tuple[int, int | None, str, str], ...]  # (start, end or None, title, place)
    training: str
    skills: tuple[str, ...]  # slugs of taxonomy.SKILLS
    interests: tuple[str, ...]  # slugs of taxonomy.INTERESTS
    languages: tuple[str, ...]  # codes of taxonomy.SPOKEN_LANGUAGES, main language first
    place: str  # one of taxonomy.PLACES
    employer_type: str  # one of taxonomy.EMPLOYER_TYPES or ""
    formats: tuple[str, ...]  # "chat", "qa", "one_to_one", "in_person"
    video_url: str = ""
    verified: bool = True


DEMO_PROFILES: list[DemoProfile] = [
    DemoProfile(
        username="demo-pro-infirmiere-pediatrie",
        display_name="Samira Ouazzani",
        job_title="Infirmière en pédiatrie",
        sector="health",
        hook=(
            "Soigner des enfants, c'est aussi rassurer des parents qui ont peur. Je vous raconte "
            "mes journées (et mes nuits) à l'hôpital."
        ),
        typical_day=(
            "Je travaille en pauses de 12 heures, parfois de nuit, dans un service qui accueille "
            "des enfants de 0 à 16 ans. Je prépare et donne les médicaments, je pose des "
            "perfusions, je surveille la fièvre et la respiration, et j'explique chaque geste à "
            "l'enfant avec des mots simples. Le plus dur, ce sont les prises de sang sur un bébé "
            "qui pleure et les nuits où un petit va vraiment mal. Le plus beau, c'est le jour où "
            "un enfant resté trois semaines repart en courant vers l'ascenseur. On travaille en "
            "équipe serrée avec les médecins, les puéricultrices et les kinés, et on ne laisse "
            "jamais une collègue seule avec un souci."
        ),
        career_path=(
            (2015, 2018, "Infirmière en médecine interne", "Hôpital public, Bruxelles"),
            (2018, 2019, "Spécialisation en pédiatrie et néonatologie", "Haute école, Bruxelles"),
            (2019, None, "Infirmière en pédiatrie", "Hôpital universitaire, Jette"),
        ),
        training=(
            "Bachelier en soins infirmiers (4 ans) en haute école, puis une spécialisation d'un "
            "an en pédiatrie et néonatologie."
        ),
        skills=("listening", "stress-management", "first-aid", "teamwork", "precision"),
        interests=("children", "health", "helping-people", "dance"),
        languages=("fr", "ar", "nl"),
        place="Jette",
        employer_type="public",
        formats=("chat", "qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-verpleegkundige-spoed",
        display_name="Jonas Claes",
        job_title="Verpleegkundige spoed",
        sector="health",
        hook=(
            "Op de spoed weet je nooit wat er binnenkomt: een gebroken pols, een hartaanval of "
            "een kind dat een knikker heeft ingeslikt."
        ),
        typical_day=(
            "Ik werk in shifts van acht uur: vroege, late of nachtdienst, ook in het weekend. "
            "Als een patiënt binnenkomt, schat ik in hoe dringend het is, meet ik bloeddruk en "
            "hartslag, neem ik bloed af en hou ik de pijn in het oog tot de dokter komt. Soms is "
            "het rustig, en soms komen er op een uur tien mensen tegelijk binnen. Het "
            "moeilijkste zijn de zware momenten, zoals een reanimatie die niet lukt, en families "
            "die boos worden omdat ze lang moeten wachten. Wat ik geweldig vind: de adrenaline, "
            "het teamwerk, en dat je tijdens één shift echt het verschil kan maken."
        ),
        career_path=(
            (2014, 2018, "Verpleegkundige cardiologie", "Ziekenhuis, Leuven"),
            (2018, 2019, "Extra opleiding spoedgevallen en intensieve zorg", "Hogeschool, Brussel"),
            (2019, None, "Verpleegkundige spoed", "Universitair ziekenhuis, Brussel"),
        ),
        training=(
            "Bachelor in de verpleegkunde (4 jaar), daarna een extra opleiding van een jaar in "
            "spoedgevallen- en intensieve zorg."
        ),
        skills=("stress-management", "first-aid", "teamwork", "communication", "precision"),
        interests=("health", "sport", "helping-people", "video-games"),
        languages=("nl", "fr", "en"),
        place="Bruxelles / Brussel",
        employer_type="public",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-sage-femme",
        display_name="Grâce Mbuyi",
        job_title="Sage-femme indépendante",
        sector="health",
        hook=(
            "J'accompagne des familles avant, pendant et après la naissance. Oui, il y a des "
            "nuits blanches. Non, on ne fait pas que des accouchements."
        ),
        typical_day=(
            "Le matin, je fais des visites à domicile chez des mamans qui viennent d'accoucher: "
            "je pèse le bébé, je vérifie que la maman se remet bien, j'aide pour l'allaitement "
            "et je réponds à beaucoup de questions. L'après-midi, je donne des consultations de "
            "suivi de grossesse dans un cabinet partagé avec deux collègues. Une semaine par "
            "mois, je suis de garde en salle d'accouchement, et là on ne sait jamais quand la "
            "nuit va finir. Le plus dur, c'est de rester calme quand une situation devient "
            "urgente, et de gérer seule la paperasse d'indépendante. Le plus beau, c'est la "
            "confiance: des familles m'envoient encore des photos de leurs enfants des années "
            "après."
        ),
        career_path=(
            (2008, 2016, "Sage-femme en salle d'accouchement", "Hôpital public, Bruxelles"),
            (2016, None, "Sage-femme indépendante", "Cabinet partagé, Schaerbeek"),
        ),
        training=(
            "Bachelier de sage-femme en haute école (4 ans), avec beaucoup de stages à l'hôpital "
            "dès la deuxième année."
        ),
        skills=("listening", "stress-management", "first-aid", "communication", "organisation"),
        interests=("children", "health", "music", "helping-people"),
        languages=("fr", "nl", "en"),
        place="Schaerbeek / Schaarbeek",
        employer_type="self_employed",
        formats=("chat", "one_to_one", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-software-developer",
        display_name="Ana Popescu",
        job_title="Software developer",
        sector="tech",
        hook=(
            "I build the software behind a public-transport ticket app used by thousands of "
            "people every day. Most of my job is solving puzzles with a team."
        ),
        typical_day=(
            "I start around 9 with a 15-minute stand-up, where our team of seven says what we "
            "are working on and where we are stuck. Then I write code, mostly in Python and "
            "JavaScript, and review my colleagues' code, so every change is checked by two "
            "people. Some days I spend hours hunting one bug that only appears on old phones, "
            "which can be really frustrating. I work from home two days a week, and the rest in "
            "an office with plants, snacks and endless debates about naming things. The best "
            "part: releasing a feature on Friday and seeing on Monday that people actually use "
            "it."
        ),
        career_path=(
            (2015, 2018, "Junior web developer", "Web agency, Bucharest"),
            (2018, 2022, "Software developer", "Fintech start-up, Brussels"),
            (2022, None, "Software developer", "Mobility company, Brussels"),
        ),
        training=(
            "A bachelor's in computer science in Romania. I learned French after moving to "
            "Brussels, and I'm now learning Dutch."
        ),
        skills=("programming", "problem-solving", "teamwork", "analysis", "languages"),
        interests=("video-games", "technology", "maths-puzzles", "travel"),
        languages=("en", "ro", "fr"),
        place="Bruxelles / Brussel",
        employer_type="private",
        formats=("chat", "qa", "one_to_one"),
        video_url="https://www.youtube.com/watch?v=Xk3vQ9_pL2e",
    ),
    DemoProfile(
        username="demo-pro-lerares-nederlands",
        display_name="Ellen Van Damme",
        job_title="Lerares Nederlands en geschiedenis",
        sector="education",
        hook=(
            "In mijn klas spreken de leerlingen thuis twaalf verschillende talen. Samen maken we "
            "van Nederlands een taal die van iedereen is."
        ),
        typical_day=(
            "Ik geef les in een Nederlandstalige secundaire school in Anderlecht, aan leerlingen "
            "van 12 tot 15 jaar. Mijn eerste les begint om 8u25 en de laatste eindigt om 15u40, "
            "maar verbeteren, lessen voorbereiden en oudercontacten doe ik vaak 's avonds. Veel "
            "leerlingen spreken thuis Arabisch, Frans, Roemeens of Pools, dus ik zoek altijd "
            "naar manieren om een tekst begrijpelijk te maken zonder hem te simpel te maken. Het "
            "zwaarste: een klas van 24 jongeren die na de middag moe en onrustig zijn. Het "
            "mooiste: een leerling die in september geen zin durfde te zeggen en in juni een "
            "spreekbeurt geeft."
        ),
        career_path=(
            (2011, 2013, "Interimleerkracht", "Verschillende scholen, Brussel"),
            (2013, 2019, "Lerares Nederlands", "Secundaire school, Anderlecht"),
            (2019, None, "Lerares en taalcoördinator", "Secundaire school, Anderlecht"),
        ),
        training=(
            "Educatieve bachelor secundair onderwijs met Nederlands en geschiedenis (3 jaar) aan "
            "een hogeschool."
        ),
        skills=("communication", "public-speaking", "listening", "organisation", "languages"),
        interests=("reading", "writing", "theatre", "languages"),
        languages=("nl", "fr", "en"),
        place="Anderlecht",
        employer_type="public",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-prof-maths",
        display_name="Karim Haddouchi",
        job_title="Professeur de mathématiques en secondaire",
        sector="education",
        hook=(
            "J'ai détesté les maths jusqu'en 4e. Aujourd'hui je les enseigne, et je sais "
            "exactement ce que ressentent ceux qui décrochent."
        ),
        typical_day=(
            "J'ai 22 périodes de cours par semaine, devant des élèves de la 1re à la 6e, dans "
            "une école de Molenbeek. Avant 8h15, je fais mes photocopies, je relis mon plan de "
            "cours et je réponds aux messages des parents. En classe, le vrai travail, c'est de "
            "repérer l'élève qui n'ose pas dire qu'il n'a pas compris. Le soir, il y a les "
            "corrections et les préparations, et en juin les examens et les conseils de classe "
            "prennent des journées entières. Ce qui me porte: le moment où un élève qui se "
            "croyait nul résout un problème tout seul et relève la tête."
        ),
        career_path=(
            (2010, 2013, "Animateur en école de devoirs", "ASBL, Molenbeek"),
            (2013, 2015, "Professeur de maths, remplacements", "Plusieurs écoles, Bruxelles"),
            (2015, None, "Professeur de mathématiques", "Athénée communal, Molenbeek"),
        ),
        training=(
            "Bachelier pour enseigner les maths de la 1re à la 3e secondaire, puis un master en "
            "mathématiques en horaire décalé pour pouvoir enseigner jusqu'en 6e."
        ),
        skills=("mathematics", "public-speaking", "listening", "organisation"),
        interests=("football", "maths-puzzles", "video-games"),
        languages=("fr", "ar", "nl"),
        place="Molenbeek-Saint-Jean / Sint-Jans-Molenbeek",
        employer_type="public",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-ingenieur-production",
        display_name="Luca Rinaldi",
        job_title="Ingénieur de production en aéronautique",
        sector="engineering",
        hook=(
            "Je fabrique des pièces d'avion avec des machines grandes comme une salle de classe. "
            "Et quand quelque chose coince, je cherche pourquoi."
        ),
        typical_day=(
            "J'arrive à l'usine à 7h30 et je commence par la réunion de production: quelles "
            "machines tournent, lesquelles sont en panne, quelles pièces sont en retard. "
            "Ensuite, je passe beaucoup de temps dans l'atelier avec les opérateurs, parce que "
            "les meilleures solutions viennent souvent d'eux. Une pièce d'avion doit être juste "
            "au centième de millimètre, alors quand un défaut apparaît, j'analyse les mesures "
            "pour en trouver la cause. Le plus dur, c'est la pression quand une livraison est en "
            "retard et que tout le monde se tourne vers toi. Le plus chouette, c'est de voir "
            "décoller un avion en sachant qu'une de ses pièces sort de notre atelier."
        ),
        career_path=(
            (2014, 2016, "Ingénieur méthodes junior", "Usine de pièces métalliques, Liège"),
            (2016, 2020, "Ingénieur qualité", "Sous-traitant aéronautique, Charleroi"),
            (2020, None, "Ingénieur de production", "Usine aéronautique, Charleroi"),
        ),
        training=(
            "Master ingénieur civil en électromécanique (5 ans) à l'université, avec un mémoire "
            "réalisé en entreprise."
        ),
        skills=("problem-solving", "analysis", "teamwork", "leadership", "precision"),
        interests=("cars", "building", "space", "technology"),
        languages=("fr", "it", "en"),
        place="Charleroi",
        employer_type="private",
        formats=("qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-data-scientist",
        display_name="Mehmet Yilmaz",
        job_title="Data scientist",
        sector="tech",
        hook=(
            "Ik leer computers patronen zien in miljoenen cijfers, bijvoorbeeld om te "
            "voorspellen hoeveel stroom zonnepanelen morgen opwekken."
        ),
        typical_day=(
            "Ik werk bij een bedrijf dat elektriciteit verdeelt, in een team van vijf data "
            "scientists. 's Ochtends bespreek ik met collega's van andere afdelingen welke vraag "
            "ze hebben, daarna duik ik in de data: eerst opkuisen, want echte gegevens zitten "
            "vol fouten, en dan modellen bouwen in Python. Een groot deel van mijn werk is "
            "uitleggen wat mijn resultaten betekenen aan mensen die geen wiskunde gestudeerd "
            "hebben. Het lastige: soms werkt een model weken niet goed en weet je niet waarom. "
            "Het toffe: als je voorspelling klopt en het bedrijf daardoor minder stroom "
            "verspilt."
        ),
        career_path=(
            (2016, 2018, "Doctoraat statistiek, gestopt na 2 jaar", "Universiteit, Leuven"),
            (2018, 2021, "Data-analist", "Verzekeringsbedrijf, Brussel"),
            (2021, None, "Data scientist", "Energiebedrijf, Leuven"),
        ),
        training=(
            "Master in de wiskunde aan de universiteit. Python en machine learning heb ik vooral "
            "zelf geleerd, via online cursussen en op het werk."
        ),
        skills=("programming", "mathematics", "analysis", "communication"),
        interests=("maths-puzzles", "video-games", "environment", "football"),
        languages=("nl", "tr", "en", "fr"),
        place="Leuven",
        employer_type="private",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-architecte",
        display_name="Céline Lemaire",
        job_title="Architecte",
        sector="construction",
        hook=(
            "Dessiner une maison, c'est 10 % du travail. Le reste: écouter, négocier, "
            "convaincre, et passer des heures sur chantier."
        ),
        typical_day=(
            "Je dirige un petit bureau de trois personnes, surtout pour des rénovations de "
            "maisons bruxelloises et d'écoles. Ma journée alterne entre l'ordinateur, où je "
            "dessine des plans en 3D, et les chantiers, où je vérifie que ce qui se construit "
            "correspond au dessin. Je passe aussi beaucoup de temps au téléphone avec les "
            "entrepreneurs, les ingénieurs et la commune pour les permis, qui peuvent prendre "
            "des mois. Le plus dur, c'est quand le budget explose et qu'il faut renoncer à des "
            "idées qu'on aimait. Le plus beau, c'est de revenir un an plus tard et de voir une "
            "famille vivre dans un espace qu'on a imaginé."
        ),
        career_path=(
            (2006, 2008, "Architecte stagiaire", "Bureau d'architecture, Liège"),
            (2008, 2015, "Architecte de projet", "Bureau d'architecture, Bruxelles"),
            (2015, None, "Architecte indépendante, fondatrice de son bureau", "Saint-Gilles"),
        ),
        training=(
            "Master en architecture (5 ans), puis deux ans de stage obligatoire avant de pouvoir "
            "signer mes propres projets."
        ),
        skills=("drawing", "design-software", "creativity", "negotiation", "organisation"),
        interests=("drawing", "building", "photography", "travel"),
        languages=("fr", "nl", "en"),
        place="Saint-Gilles / Sint-Gillis",
        employer_type="self_employed",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-stage-manager",
        display_name="Marta Kowalska",
        job_title="Stage manager",
        sector="arts",
        hook=(
            "When the lights go down, I'm the one in the dark calling every cue. If I do my job "
            "well, you never notice me."
        ),
        typical_day=(
            "During rehearsals I work from 10 am to 6 pm: I note every movement of the actors, "
            "every prop, every light and sound change, and I keep the whole team on schedule. In "
            "show weeks I arrive in the afternoon, check the set and props, and during the "
            "performance I sit at a desk with a headset and call the cues for lights, sound and "
            "scenery. I work most evenings and weekends, and when something goes wrong live, I "
            "have seconds to decide. It's intense and the pay is modest. But the moment a full "
            "house stands up to applaud, after weeks of chaos, is worth a lot."
        ),
        career_path=(
            (2011, 2014, "Student volunteer and technician", "Student theatre, Kraków"),
            (2014, 2018, "Assistant stage manager", "Touring theatre company, Brussels"),
            (2018, None, "Stage manager", "City theatre, Molenbeek"),
        ),
        training=(
            "A bachelor's in theatre studies in Poland, then a one-year technical theatre course "
            "in Brussels. Most of it I learned on the job."
        ),
        skills=("organisation", "communication", "stress-management", "leadership", "teamwork"),
        interests=("theatre", "music", "dance", "cinema"),
        languages=("en", "pl", "fr"),
        place="Molenbeek-Saint-Jean / Sint-Jans-Molenbeek",
        employer_type="non_profit",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-procesoperator",
        display_name="Lotte Peeters",
        job_title="Procesoperator in de chemie",
        sector="engineering",
        hook=(
            "Ik stuur een fabriek zo groot als een dorp aan, vanuit een controlekamer vol "
            "schermen. In ploegen, ook 's nachts."
        ),
        typical_day=(
            "Ik werk in een ploegensysteem: een paar dagen vroege shift, dan late, dan nacht, en "
            "daarna een paar dagen vrij. In de controlekamer volg ik temperaturen, drukken en "
            "debieten op een tiental schermen, en ik stuur bij als iets afwijkt. Een deel van de "
            "shift loop ik buiten door de installatie, met helm en veiligheidsbril, om pompen te "
            "controleren en stalen te nemen. Veiligheid is alles: bij een alarm moet je rustig "
            "en volgens de procedure handelen. De nachten zijn zwaar voor je lichaam, maar het "
            "loon en de vrije dagen zijn goed, en ik werk met een hecht team."
        ),
        career_path=(
            (2016, 2018, "Operator in opleiding", "Chemisch bedrijf, Antwerpen"),
            (2018, 2023, "Procesoperator", "Chemisch bedrijf, Antwerpen"),
            (2023, None, "Procesoperator en peter van nieuwkomers", "Chemisch bedrijf, Antwerpen"),
        ),
        training=(
            "Secundair onderwijs in de richting chemie (tso), daarna een interne opleiding van "
            "een jaar bij het bedrijf."
        ),
        skills=("precision", "stress-management", "teamwork", "problem-solving"),
        interests=("science", "technology", "sport", "travel"),
        languages=("nl", "en"),
        place="Antwerpen",
        employer_type="private",
        formats=("chat", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-electricienne",
        display_name="Laetitia Piret",
        job_title="Électricienne en bâtiment",
        sector="construction",
        hook=(
            "Sur les chantiers, on me prend parfois pour la stagiaire. Dix minutes plus tard, "
            "c'est moi qu'on appelle quand plus rien ne marche."
        ),
        typical_day=(
            "On commence à 7h sur chantier: rénovation d'appartements, nouvelle école, parfois "
            "un restaurant. Je tire des câbles, je place les prises et les tableaux électriques, "
            "puis je teste tout avant le contrôle officiel. C'est physique: on porte, on monte "
            "sur des échelles, on travaille à genoux, et il fait froid tant que le bâtiment "
            "n'est pas fermé. La sécurité n'est jamais une option, une erreur peut blesser "
            "quelqu'un. Ce que j'aime: finir la journée fatiguée mais en voyant ce que j'ai "
            "fait, et la lumière qui s'allume pour la première fois."
        ),
        career_path=(
            (2013, 2016, "Apprentie électricienne", "Entreprise d'électricité, Bruxelles"),
            (2016, 2021, "Électricienne", "Entreprise de construction, Bruxelles"),
            (2021, None, "Électricienne, cheffe d'équipe", "Entreprise, Berchem-Sainte-Agathe"),
        ),
        training=(
            "Formation en alternance en électricité du bâtiment pendant trois ans: deux jours au "
            "centre de formation, trois jours en entreprise."
        ),
        skills=("manual-skills", "precision", "problem-solving", "physical-fitness", "teamwork"),
        interests=("building", "cars", "sport"),
        languages=("fr", "nl"),
        place="Berchem-Sainte-Agathe / Sint-Agatha-Berchem",
        employer_type="private",
        formats=("chat", "one_to_one", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-graphiste",
        display_name="Yasmine El Idrissi",
        job_title="Graphiste indépendante",
        sector="arts",
        hook=(
            "Logos, affiches de festival, pochettes d'album: je transforme des idées floues en "
            "images claires. Et je vous montre la vraie vie d'indépendante."
        ),
        typical_day=(
            "Je travaille chez moi ou dans un espace de coworking, souvent de 9h à 18h, parfois "
            "bien plus quand un festival doit imprimer ses affiches le lendemain. Une journée "
            "type: un rendez-vous avec un client pour comprendre ce qu'il veut, des croquis sur "
            "papier, puis des heures sur les logiciels de design. Les clients changent souvent "
            "d'avis, et il faut savoir défendre une idée sans se vexer. Je passe aussi du temps "
            "sur les devis, les factures et la recherche de nouveaux clients, ce qu'on n'apprend "
            "pas à l'école. Le meilleur moment: tomber sur mon affiche dans le métro."
        ),
        career_path=(
            (2014, 2017, "Graphiste junior", "Agence de communication, Bruxelles"),
            (2017, 2019, "Graphiste", "Centre culturel, Schaerbeek"),
            (2019, None, "Graphiste indépendante", "Ixelles"),
        ),
        training=(
            "Bachelier en arts graphiques dans une école supérieure des arts, puis beaucoup "
            "d'apprentissage en autodidacte."
        ),
        skills=("creativity", "drawing", "design-software", "communication", "organisation"),
        interests=("drawing", "music", "fashion", "social-media"),
        languages=("fr", "ar", "en"),
        place="Ixelles / Elsene",
        employer_type="self_employed",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-burgerlijk-ingenieur",
        display_name="Nora El Khattabi",
        job_title="Burgerlijk ingenieur stabiliteit",
        sector="construction",
        hook=(
            "Ik reken uit waarom een gebouw blijft staan. Als ik mijn werk goed doe, merkt "
            "niemand er iets van."
        ),
        typical_day=(
            "Ik werk bij een studiebureau en bereken hoe dik balken, vloeren en kolommen moeten "
            "zijn, zodat een gebouw veilig blijft staan, ook bij storm of zware sneeuw. Het "
            "grootste deel van de dag zit ik achter mijn computer met rekensoftware en plannen, "
            "in overleg met architecten die soms iets willen wat bijna onmogelijk is. Eén of "
            "twee keer per week ga ik naar de werf, met laarzen en helm, om te controleren of de "
            "wapening in het beton juist ligt. Het moeilijkste is de verantwoordelijkheid, want "
            "een fout mag gewoon niet. Het leukste: langs een school fietsen die ik mee heb "
            "berekend."
        ),
        career_path=(
            (2013, 2015, "Junior ingenieur", "Studiebureau, Gent"),
            (2015, 2020, "Ingenieur stabiliteit", "Studiebureau, Mechelen"),
            (2020, None, "Projectleider stabiliteit", "Studiebureau, Mechelen"),
        ),
        training="Master in de ingenieurswetenschappen, bouwkunde (5 jaar) aan de universiteit.",
        skills=("mathematics", "analysis", "precision", "design-software", "teamwork"),
        interests=("building", "maths-puzzles", "drawing", "travel"),
        languages=("nl", "fr", "ar", "en"),
        place="Mechelen",
        employer_type="private",
        formats=("qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-juge-jeunesse",
        display_name="Anne-Sophie Delvaux",
        job_title="Juge de la jeunesse",
        sector="law",
        hook=(
            "Je prends des décisions pour des jeunes de votre âge en difficulté. Ce n'est pas "
            "comme dans les séries, et c'est bien plus humain."
        ),
        typical_day=(
            "Le matin, je lis les dossiers: rapports des services sociaux, de la police, des "
            "écoles. Ensuite viennent les audiences, le plus souvent dans mon cabinet plutôt que "
            "dans une grande salle: je rencontre des jeunes, leurs parents, leurs avocats, et "
            "j'écoute beaucoup avant de décider. Je peux par exemple confier un jeune à un "
            "éducateur, l'éloigner un temps de sa famille ou lui demander une prestation "
            "d'intérêt général. Le plus dur, c'est de porter des décisions qui changent une vie, "
            "et de ne pas ramener toutes ces histoires à la maison. Ce qui me motive: les jeunes "
            "qui reviennent des années plus tard dire que ça a été un tournant."
        ),
        career_path=(
            (2003, 2013, "Avocate", "Barreau de Bruxelles"),
            (2013, 2017, "Magistrate du parquet, section jeunesse", "Parquet, Bruxelles"),
            (2017, None, "Juge de la jeunesse", "Tribunal de la jeunesse, Bruxelles"),
        ),
        training=(
            "Master en droit (5 ans), plusieurs années comme avocate, puis l'examen d'accès à la "
            "magistrature."
        ),
        skills=("listening", "analysis", "writing", "stress-management"),
        interests=("justice", "reading", "helping-people", "theatre"),
        languages=("fr", "nl"),
        place="Bruxelles / Brussel",
        employer_type="public",
        formats=("qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-space-researcher",
        display_name="Chiara Bianchi",
        job_title="Researcher in space weather",
        sector="science",
        hook=(
            "I study storms on the Sun that can knock out satellites and GPS on Earth. Yes, "
            "space has weather, and someone has to forecast it."
        ),
        typical_day=(
            "Most of my day is at a computer: I analyse images and data from satellites that "
            "watch the Sun, and I write code to predict when a solar storm might reach Earth. "
            "One week a month I'm on forecasting duty, which means checking the Sun first thing "
            "in the morning and warning satellite and power-grid operators if needed. I also "
            "write scientific papers, present at conferences and supervise two PhD students. The "
            "hard parts: research contracts that only last a few years, and many rejected "
            "funding applications. The best part: being among the first people on the planet to "
            "see a giant solar flare."
        ),
        career_path=(
            (2010, 2014, "PhD student in astrophysics", "University, Turin"),
            (2014, 2018, "Postdoctoral researcher", "Space research centre, Leuven"),
            (2018, None, "Researcher in space weather", "Research institute, Uccle"),
        ),
        training=(
            "A master's in physics and a PhD in astrophysics in Italy. Lots of maths, and lots "
            "of programming, which I mostly learned during my PhD."
        ),
        skills=("analysis", "programming", "mathematics", "writing", "public-speaking"),
        interests=("space", "science", "maths-puzzles", "photography"),
        languages=("en", "it", "fr"),
        place="Uccle / Ukkel",
        employer_type="public",
        formats=("qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-journalist",
        display_name="Bram De Smet",
        job_title="Journalist bij de radio",
        sector="arts",
        hook=(
            "Om 8 uur 's ochtends weet ik nog niet waarover mijn reportage van 17 uur zal gaan. "
            "Dat is net het spannende."
        ),
        typical_day=(
            "Onze dag begint met een redactievergadering om 9 uur, waar we kiezen welke "
            "onderwerpen we brengen. Daarna bel ik mensen op, trek ik met een microfoon op pad "
            "voor interviews, en monteer ik alles tot een stuk van twee of drie minuten. Alles "
            "moet kloppen: ik check elke bron, want een fout hoort meteen heel Vlaanderen. De "
            "deadline is heilig, en soms verandert het nieuws een uur voor de uitzending "
            "volledig. Het lastige zijn ook de reacties op sociale media. Het mooie: de verhalen "
            "vertellen van mensen die anders nooit gehoord worden."
        ),
        career_path=(
            (2008, 2012, "Freelance journalist", "Regionale krant, Gent"),
            (2012, 2018, "Redacteur", "Nieuwsdienst, Brussel"),
            (2018, None, "Journalist bij de radio", "Openbare omroep, Schaarbeek"),
        ),
        training=(
            "Bachelor journalistiek aan een hogeschool, en vooral veel oefenen bij de "
            "studentenradio."
        ),
        skills=("writing", "communication", "stress-management", "public-speaking"),
        interests=("writing", "music", "social-media", "justice"),
        languages=("nl", "fr", "en"),
        place="Schaerbeek / Schaarbeek",
        employer_type="public",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-comptable",
        display_name="Patrick Ilunga",
        job_title="Comptable et conseiller fiscal",
        sector="business",
        hook=(
            "Les chiffres racontent l'histoire d'une entreprise. J'aide des boulangers, des "
            "coiffeuses et des start-ups à la comprendre."
        ),
        typical_day=(
            "J'ai mon propre cabinet avec deux collaboratrices. Mes clients sont surtout des "
            "indépendants et des petites entreprises: j'encode leurs factures, je prépare leurs "
            "déclarations de TVA et d'impôts, et je leur explique où part leur argent. Il y a "
            "des périodes calmes et d'autres, avant les échéances fiscales, où on travaille tard "
            "le soir. Le plus dur: la précision, car une petite erreur peut coûter cher à un "
            "client. Ce que j'aime vraiment, c'est le conseil, par exemple aider quelqu'un à "
            "décider s'il peut engager son premier employé."
        ),
        career_path=(
            (2005, 2010, "Assistant comptable", "Fiduciaire, Bruxelles"),
            (2010, 2014, "Comptable", "Entreprise de distribution, Zaventem"),
            (2014, None, "Comptable et conseiller fiscal indépendant", "Cabinet, Koekelberg"),
        ),
        training=(
            "Bachelier en comptabilité en haute école (3 ans), puis un stage de trois ans et des "
            "examens pour obtenir le titre professionnel."
        ),
        skills=("mathematics", "precision", "analysis", "customer-care", "organisation"),
        interests=("business", "football", "maths-puzzles"),
        languages=("fr", "nl", "en"),
        place="Koekelberg",
        employer_type="self_employed",
        formats=("chat", "qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-cuisinier",
        display_name="Youssef Tahiri",
        job_title="Cuisinier dans une brasserie",
        sector="hospitality",
        hook=(
            "120 couverts un samedi soir, 40 degrés en cuisine et personne ne crie. Enfin, "
            "presque. Bienvenue de l'autre côté du passe."
        ),
        typical_day=(
            "Je commence vers 10h avec la mise en place: éplucher, découper, préparer les sauces "
            "et les garnitures pour le service. De 12h à 14h30, c'est le coup de feu du midi, "
            "puis une pause, puis le service du soir jusqu'à 22h30. Je travaille souvent le "
            "week-end et les jours fériés, quand les copains sortent. Il faut tenir debout toute "
            "la journée, aller vite sans se brûler, et garder son calme quand dix commandes "
            "arrivent en même temps. Ce que j'adore: l'ambiance d'équipe en cuisine, et inventer "
            "un plat du jour que les clients redemandent."
        ),
        career_path=(
            (2011, 2014, "Commis de cuisine", "Restaurant d'hôtel, Bruxelles"),
            (2014, 2019, "Cuisinier", "Restaurant, Liège"),
            (2019, None, "Cuisinier, second de cuisine", "Brasserie, Saint-Josse-ten-Noode"),
        ),
        training=(
            "Section hôtellerie-restauration en secondaire technique, puis une formation en "
            "alternance en cuisine."
        ),
        skills=("stress-management", "teamwork", "creativity", "physical-fitness", "precision"),
        interests=("cooking", "football", "travel", "music"),
        languages=("fr", "ar"),
        place="Saint-Josse-ten-Noode / Sint-Joost-ten-Node",
        employer_type="private",
        formats=("chat", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-advocaat",
        display_name="Elif Demir",
        job_title="Advocaat familierecht",
        sector="law",
        hook=(
            "Als ouders scheiden, sta ik naast mensen op een van de moeilijkste momenten van hun "
            "leven. Soms ook naast de kinderen."
        ),
        typical_day=(
            "Mijn dag is een mix van kantoorwerk en rechtbank. 's Ochtends pleit ik soms voor de "
            "familierechtbank, bijvoorbeeld over waar de kinderen wonen na een scheiding of "
            "hoeveel onderhoudsgeld iemand moet betalen. Daarna: cliënten ontvangen, veel lezen, "
            "brieven en conclusies schrijven, en met de advocaat van de andere partij zoeken "
            "naar een akkoord. Ik werk vaak tot 19 uur en moet de wetten blijven volgen, want "
            "die veranderen. Het zwaarste zijn de emoties, en kinderen die klem zitten tussen "
            "hun ouders. Wat ik mooi vind: een regeling vinden waar iedereen mee verder kan."
        ),
        career_path=(
            (2012, 2015, "Advocaat-stagiair", "Advocatenkantoor, Brussel"),
            (2015, 2020, "Advocaat", "Advocatenkantoor, Antwerpen"),
            (2020, None, "Advocaat familierecht, eigen kantoor", "Brussel"),
        ),
        training=(
            "Master in de rechten (5 jaar), daarna drie jaar stage als advocaat-stagiair, met "
            "extra lessen en examens."
        ),
        skills=("negotiation", "writing", "listening", "public-speaking", "analysis"),
        interests=("justice", "reading", "languages"),
        languages=("nl", "tr", "fr", "en"),
        place="Bruxelles / Brussel",
        employer_type="self_employed",
        formats=("chat", "qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-policiere",
        display_name="Inès Bouzid",
        job_title="Policière de quartier",
        sector="public",
        hook=(
            "Je connais les commerçants, les concierges et les ados de mon quartier par leur "
            "prénom. C'est ça, mon métier."
        ),
        typical_day=(
            "Je travaille en pauses: tôt le matin, en journée ou le soir, et parfois le "
            "week-end. Une grande partie de ma journée se passe à pied dans le quartier: je vais "
            "voir un voisin qui se plaint du bruit, je vérifie une adresse pour la commune, je "
            "passe devant les écoles à la sortie des cours. Il y a aussi beaucoup de rapports à "
            "écrire au commissariat, bien plus qu'on ne l'imagine. Le plus dur, ce sont les "
            "disputes où tout le monde crie, et les regards méfiants sur l'uniforme. Le plus "
            "beau: quand une situation tendue se règle par la discussion."
        ),
        career_path=(
            (2012, 2013, "Aspirante inspectrice", "École de police, Bruxelles"),
            (2013, 2018, "Inspectrice en intervention", "Zone de police, Bruxelles"),
            (2018, None, "Inspectrice de quartier", "Commissariat, Anderlecht"),
        ),
        training=(
            "Après mon CESS, les épreuves de sélection (sport, tests, entretien), puis un an de "
            "formation à l'école de police, payée pendant la formation."
        ),
        skills=("communication", "stress-management", "listening", "physical-fitness", "first-aid"),
        interests=("justice", "sport", "helping-people"),
        languages=("fr", "ar", "nl"),
        place="Anderlecht",
        employer_type="public",
        formats=("qa", "one_to_one", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-bike-mechanic",
        display_name="Kacper Wiśniewski",
        job_title="Bike mechanic",
        sector="crafts",
        hook=(
            "I fix about 15 bikes a day and train young people who left school to do the same. "
            "Grease under the nails guaranteed."
        ),
        typical_day=(
            "Our workshop opens at 8:30, and the first hour is for people dropping off bikes on "
            "their way to work. Then I diagnose and repair: brakes, gears, wheels, and more and "
            "more electric bikes with their batteries and software. I also supervise three "
            "trainees, young people who left school and learn the trade with us for a year, so I "
            "explain a lot and repeat even more. It's standing work with dirty hands, and in "
            "spring we're so busy that customers wait two weeks. What I love: a bike that "
            "arrives dead and leaves riding, and a trainee who gets hired by another shop."
        ),
        career_path=(
            (2012, 2016, "Car mechanic", "Garage, Poznań"),
            (2016, 2019, "Bike mechanic", "Bike shop, Ixelles"),
            (2019, None, "Bike mechanic and trainer", "Social enterprise workshop, Ixelles"),
        ),
        training=(
            "Vocational secondary school in car mechanics in Poland. I learned bikes in a shop, "
            "plus a short course on electric bikes."
        ),
        skills=("manual-skills", "problem-solving", "customer-care", "communication", "precision"),
        interests=("cars", "building", "sport", "environment"),
        languages=("en", "pl", "fr"),
        place="Ixelles / Elsene",
        employer_type="non_profit",
        formats=("chat", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-ondernemer-koffie",
        display_name="Stijn Verhoeven",
        job_title="Ondernemer, oprichter van een koffiebranderij",
        sector="business",
        hook=(
            "Van barista naar baas van een kleine koffiebranderij met vijf werknemers. Ik vertel "
            "je eerlijk wat ondernemen kost."
        ),
        typical_day=(
            "Twee ochtenden per week brand ik zelf koffie in ons atelier, de rest van de week "
            "ben ik vooral bezig met alles rond het bedrijf. Ik bel met leveranciers, bezoek "
            "restaurants die onze koffie willen, maak de planning voor het team en kijk elke "
            "week naar de cijfers: verdienen we genoeg? Ik werk vaak meer dan 50 uur per week, "
            "ook 's avonds, en de eerste jaren verdiende ik minder dan mijn werknemers. Het "
            "moeilijkste is dat je de grote beslissingen alleen neemt. Het mooiste: een idee dat "
            "in mijn keuken begon, is nu een zaak met een eigen team."
        ),
        career_path=(
            (2010, 2014, "Barista", "Koffiebar, Antwerpen"),
            (2014, 2017, "Verkoper voor de horeca", "Koffiegroothandel, Brussel"),
            (2017, None, "Oprichter en zaakvoerder", "Koffiebranderij, Ganshoren"),
        ),
        training=(
            "Ik ben na twee jaar gestopt met een bachelor marketing. Later volgde ik een cursus "
            "bedrijfsbeheer en een opleiding tot koffiebrander."
        ),
        skills=("negotiation", "leadership", "organisation", "customer-care", "creativity"),
        interests=("business", "cooking", "travel"),
        languages=("nl", "fr", "en"),
        place="Ganshoren",
        employer_type="self_employed",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-jardiniere",
        display_name="Awa Konaté",
        job_title="Jardinière au service des espaces verts",
        sector="environment",
        hook=(
            "Mon bureau, ce sont 30 hectares de parcs. Je plante, je taille, et j'explique aux "
            "passants pourquoi on laisse pousser l'herbe haute."
        ),
        typical_day=(
            "On commence à 7h au dépôt, on charge la camionnette et on part par équipe de trois "
            "dans les parcs et le long des avenues. Selon la saison, je plante des arbres, je "
            "taille des haies, je ramasse les feuilles ou je fauche les prairies fleuries une "
            "seule fois par an pour laisser vivre les insectes. On travaille dehors par tous les "
            "temps, sous la pluie de novembre comme sous la chaleur de juillet, et le dos le "
            "sent. On ramasse aussi des déchets, et ça, c'est la partie la moins drôle. Ce que "
            "j'adore: voir revenir les oiseaux et les papillons dans un coin qu'on a replanté."
        ),
        career_path=(
            (2014, 2016, "Vendeuse en jardinerie", "Jardinerie, Wavre"),
            (2016, 2017, "Formation en parcs et jardins", "Centre de formation, Bruxelles"),
            (2017, None, "Jardinière", "Service des espaces verts, Watermael-Boitsfort"),
        ),
        training=(
            "Une formation qualifiante d'un an pour adultes en entretien des parcs et jardins, "
            "après un premier emploi dans la vente."
        ),
        skills=("manual-skills", "physical-fitness", "teamwork", "communication"),
        interests=("nature", "environment", "animals", "photography"),
        languages=("fr", "en"),
        place="Watermael-Boitsfort / Watermaal-Bosvoorde",
        employer_type="public",
        formats=("chat", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-chauffeur-bus",
        display_name="Hakan Öztürk",
        job_title="Chauffeur de bus",
        sector="transport",
        hook=(
            "Chaque jour, des centaines de personnes montent dans mon bus. Je vois Bruxelles se "
            "réveiller, et je sais qui court toujours pour l'attraper."
        ),
        typical_day=(
            "Mes services changent chaque semaine: parfois je commence à 5h du matin, parfois je "
            "termine après minuit, avec une coupure au milieu. Avant de partir, je contrôle le "
            "bus: freins, rétroviseurs, portes, chauffage. Puis c'est la ligne, aller et retour, "
            "en essayant de tenir l'horaire malgré les embouteillages, les travaux et les "
            "voitures garées en double file. Il faut rester patient avec les voyageurs pressés "
            "ou énervés, et ne jamais oublier qu'on transporte des vies. Ce que j'aime: être "
            "seul aux commandes, et les habitués qui me disent bonjour tous les matins."
        ),
        career_path=(
            (2006, 2012, "Chauffeur-livreur", "Entreprise de livraison, Bruxelles"),
            (2012, 2013, "Formation au permis bus", "Centre de formation, Bruxelles"),
            (2013, None, "Chauffeur de bus", "Société publique de transport, Evere"),
        ),
        training=(
            "Le permis B, puis le permis bus et la formation interne de la société de transport, "
            "pendant laquelle on est déjà payé."
        ),
        skills=("stress-management", "customer-care", "precision", "organisation"),
        interests=("cars", "football", "travel"),
        languages=("fr", "tr", "nl"),
        place="Evere",
        employer_type="public",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-zwemcoach",
        display_name="Kenza Amrani",
        job_title="Zwemcoach en redder",
        sector="sport",
        hook=(
            "Ik leer kinderen zwemmen, train wedstrijdzwemmers en hou het hele bad in het oog. "
            "Chloorgeur inbegrepen."
        ),
        typical_day=(
            "Mijn dag begint soms om 6u30 met de training van de wedstrijdploeg, nog voor "
            "school. Overdag geef ik zwemles aan schoolklassen, en tussendoor sta ik als redder "
            "aan het bad: altijd alert, ook als het rustig lijkt. 's Avonds train ik jongeren "
            "van 10 tot 16 jaar, en in het weekend begeleid ik wedstrijden. Het is een job met "
            "gebroken uren, veel lawaai en warmte, en je bent van 's ochtends tot 's avonds nat. "
            "Het mooiste vind ik een kind dat bang was van water en na een paar maanden zonder "
            "hulp een baantje zwemt."
        ),
        career_path=(
            (2012, 2016, "Jobstudent redder", "Zwembad, Brussel"),
            (2016, 2018, "Sportmonitor", "Gemeentelijke sportdienst, Sint-Pieters-Woluwe"),
            (2018, None, "Zwemcoach en redder", "Gemeentelijk zwembad, Sint-Pieters-Woluwe"),
        ),
        training=(
            "Bachelor lichamelijke opvoeding en bewegingsrecreatie, plus een brevet redder en "
            "een trainersdiploma zwemmen."
        ),
        skills=(
            "physical-fitness",
            "first-aid",
            "communication",
            "leadership",
            "stress-management",
        ),
        interests=("sport", "children", "dance"),
        languages=("nl", "fr", "ar"),
        place="Woluwe-Saint-Pierre / Sint-Pieters-Woluwe",
        employer_type="public",
        formats=("chat", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-educateur-rue",
        display_name="Mehdi Chaouki",
        job_title="Éducateur de rue",
        sector="social",
        hook=(
            "Je suis payé pour traîner dans la rue avec les jeunes. Sauf que c'est beaucoup plus "
            "compliqué que ça en a l'air."
        ),
        typical_day=(
            "Je commence souvent vers 13h et je termine tard, parce que c'est le soir que les "
            "jeunes sont dehors. On fait le tour du quartier à deux, on discute sur les bancs, "
            "près du terrain de foot, devant la station de métro. Je n'oblige personne à me "
            "parler: la confiance prend des mois. Ensuite j'accompagne ceux qui le veulent: "
            "trouver une formation, préparer un rendez-vous au CPAS, parler d'un problème à la "
            "maison. Le plus dur, c'est de ne pas pouvoir tout régler et de voir un jeune "
            "replonger. Le plus beau, c'est quand un grand du quartier revient me dire qu'il a "
            "signé son premier contrat."
        ),
        career_path=(
            (2007, 2010, "Animateur en maison de jeunes", "Maison de jeunes, Molenbeek"),
            (2010, 2013, "Éducateur en institution", "Aide à la jeunesse, Bruxelles"),
            (2013, None, "Éducateur de rue", "ASBL de travail de rue, Molenbeek"),
        ),
        training=(
            "Bachelier d'éducateur spécialisé, suivi en cours du soir pendant que je travaillais "
            "déjà comme animateur."
        ),
        skills=("listening", "communication", "stress-management", "teamwork"),
        interests=("football", "helping-people", "music", "justice"),
        languages=("fr", "ar", "nl"),
        place="Molenbeek-Saint-Jean / Sint-Jans-Molenbeek",
        employer_type="non_profit",
        formats=("chat", "qa", "one_to_one", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-city-guide",
        display_name="Andrei Ionescu",
        job_title="City guide",
        sector="hospitality",
        hook=(
            "I tell the story of Brussels to groups of 30 tourists, in four languages, walking "
            "15 km a day. Bring good shoes."
        ),
        typical_day=(
            "My days depend on bookings: a walking tour of the old centre in the morning, a "
            "comic-strip tour in the afternoon, sometimes an evening food tour. Before each "
            "group I check what's going on in town and which streets are closed, and I look for "
            "new stories, because regulars notice when you repeat yourself. You have to keep 30 "
            "people together, answer strange questions and stay cheerful in the rain. The work "
            "is seasonal: very busy from April to October, quiet in winter, when I prepare new "
            "tours and take on translation jobs. The best part: making a bored teenager on a "
            "school trip laugh."
        ),
        career_path=(
            (2013, 2016, "Hotel receptionist", "Hotel, Brussels"),
            (2016, None, "Freelance city guide", "Brussels"),
        ),
        training=(
            "A bachelor's in history in Romania, then an evening course in Brussels to become a "
            "certified tourist guide."
        ),
        skills=(
            "public-speaking",
            "languages",
            "communication",
            "customer-care",
            "physical-fitness",
        ),
        interests=("travel", "languages", "reading"),
        languages=("en", "ro", "fr", "es"),
        place="Bruxelles / Brussel",
        employer_type="self_employed",
        formats=("chat", "qa", "in_person"),
    ),
    DemoProfile(
        username="demo-pro-brandweervrouw",
        display_name="Jolien Maes",
        job_title="Brandweervrouw",
        sector="public",
        hook=(
            "Branden blussen is maar een deel van mijn werk. Ik haal ook mensen uit liften, "
            "katten uit bomen en ooit een paard uit een sloot."
        ),
        typical_day=(
            "Ik werk shifts van 24 uur in de kazerne, gevolgd door een paar dagen rust. Tussen "
            "de oproepen door oefenen we, onderhouden we het materiaal en trainen we onze "
            "conditie, want je moet met zware uitrusting trappen op kunnen lopen. Als het alarm "
            "gaat, zitten we binnen een minuut in de wagen: een brand, een ongeval op de ring, "
            "een ondergelopen kelder of iemand die vastzit. Sommige interventies zijn heftig en "
            "blijven je bij, daarom praten we er achteraf samen over. Het mooiste: het "
            "teamgevoel, we koken en eten samen, en je kan blindelings op elkaar rekenen."
        ),
        career_path=(
            (2012, 2018, "Magazijnier", "Distributiecentrum, Mechelen"),
            (2015, 2018, "Vrijwillige brandweervrouw", "Brandweerpost, Mechelen"),
            (2018, None, "Beroepsbrandweervrouw", "Brandweerzone, Vilvoorde"),
        ),
        training=(
            "Na het secundair heb ik de selectieproeven gedaan: een fysieke test, een examen en "
            "een gesprek. Daarna volgden de basisopleiding brandweer en het rijbewijs C voor de "
            "zware wagens."
        ),
        skills=("physical-fitness", "first-aid", "teamwork", "stress-management", "manual-skills"),
        interests=("sport", "helping-people", "cars"),
        languages=("nl", "fr", "en"),
        place="Vilvoorde",
        employer_type="public",
        formats=("chat", "qa", "in_person"),
        video_url="https://www.youtube.com/watch?v=bR7-tN4wKq0",
    ),
    DemoProfile(
        username="demo-pro-assistante-sociale",
        display_name="Magdalena Nowak",
        job_title="Assistante sociale au CPAS",
        sector="social",
        hook=(
            "Les gens arrivent chez moi au pire moment de leur vie. Mon boulot: trouver avec eux "
            "une porte de sortie."
        ),
        typical_day=(
            "Je reçois des personnes en rendez-vous toute la matinée: quelqu'un qui a perdu son "
            "emploi, une maman qui ne peut plus payer son loyer, un étudiant qui a besoin d'aide "
            "pour continuer ses études. J'écoute, je pose beaucoup de questions et je vérifie "
            "les documents, parce que chaque aide doit être justifiée. L'après-midi, j'écris des "
            "rapports pour le comité qui décide des aides, et je fais parfois des visites à "
            "domicile. Le plus dur: dire non quand la loi ne permet pas d'aider, et les piles de "
            "dossiers. Le plus beau: la personne qui revient six mois plus tard avec un logement "
            "et un travail."
        ),
        career_path=(
            (2010, 2013, "Serveuse pendant les études", "Café, Ixelles"),
            (2013, 2016, "Assistante sociale", "Maison médicale, Saint-Gilles"),
            (2016, None, "Assistante sociale au CPAS", "CPAS, Schaerbeek"),
        ),
        training=(
            "Bachelier assistant social en haute école (3 ans), avec des stages dans un CPAS et "
            "une maison médicale."
        ),
        skills=("listening", "writing", "organisation", "communication", "stress-management"),
        interests=("helping-people", "reading", "languages", "justice"),
        languages=("fr", "pl", "en"),
        place="Schaerbeek / Schaarbeek",
        employer_type="public",
        formats=("chat", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-kine-sport",
        display_name="Romain Lejeune",
        job_title="Kinésithérapeute du sport",
        sector="sport",
        hook=(
            "Je remets sur pied des footballeurs, des danseuses et des mamies qui jouent au "
            "tennis. La patience est mon premier outil."
        ),
        typical_day=(
            "Je travaille dans un cabinet de 8h à 19h, avec des rendez-vous de 30 minutes qui "
            "s'enchaînent. Je fais un peu de massage, mais surtout des exercices: refaire "
            "travailler un genou après une opération, réapprendre à courir, éviter une nouvelle "
            "blessure. Deux soirs par semaine et certains week-ends, je suis au bord du terrain "
            "pour un club de basket. Le plus dur, c'est la fatigue physique et les patients qui "
            "ne font pas leurs exercices à la maison. Le plus beau: la joueuse qu'on a suivie "
            "pendant des mois et qui rejoue son premier match."
        ),
        career_path=(
            (2012, 2015, "Kinésithérapeute", "Centre de revalidation, Bruxelles"),
            (2015, None, "Kinésithérapeute du sport indépendant", "Cabinet, Woluwe-Saint-Lambert"),
            (2017, None, "Kiné d'un club de basket", "Club de basket, Woluwe"),
        ),
        training=(
            "Master en kinésithérapie (5 ans) à l'université, puis une formation complémentaire "
            "en kinésithérapie du sport."
        ),
        skills=("listening", "physical-fitness", "manual-skills", "communication", "precision"),
        interests=("sport", "health", "football"),
        languages=("fr", "nl", "en"),
        place="Woluwe-Saint-Lambert / Sint-Lambrechts-Woluwe",
        employer_type="self_employed",
        formats=("chat", "qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-dierenarts",
        display_name="Wouter Janssens",
        job_title="Dierenarts voor landbouwdieren",
        sector="environment",
        hook=(
            "Ik rij elke dag van boerderij naar boerderij met een koffer vol medicijnen. Koeien, "
            "varkens, schapen, en soms een kalf om 3 uur 's nachts."
        ),
        typical_day=(
            "Mijn werkdag begint om 7u30 met een lijst boerderijen die ik bezoek: een koe die "
            "niet meer eet, een controle van de kudde, vaccinaties bij de varkens. Ik werk in "
            "weer en wind, in stallen die ruiken zoals stallen nu eenmaal ruiken, en ik moet "
            "stevig in mijn schoenen staan naast dieren van 700 kilo. Ik help boeren ook om "
            "ziektes te voorkomen met minder antibiotica, en dat is puzzelen met cijfers. Om de "
            "paar weken heb ik nachtdienst voor spoedgevallen, zoals een moeilijke geboorte. "
            "Zwaar, maar een gezond kalf dat een uur na de geboorte rechtstaat, blijft elke keer "
            "magisch."
        ),
        career_path=(
            (2010, 2012, "Dierenarts in een gemengde praktijk", "Dierenartsenpraktijk, Oudenaarde"),
            (2012, None, "Dierenarts voor landbouwdieren, vennoot", "Groepspraktijk, regio Gent"),
        ),
        training=(
            "Master in de diergeneeskunde (6 jaar) aan de universiteit, met stages op boerderijen."
        ),
        skills=("problem-solving", "physical-fitness", "communication", "precision", "analysis"),
        interests=("animals", "nature", "science", "cars"),
        languages=("nl", "fr"),
        place="Gent",
        employer_type="self_employed",
        formats=("qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-boulangere",
        display_name="Giulia Moretti",
        job_title="Boulangère-pâtissière",
        sector="crafts",
        hook=(
            "Mon réveil sonne à 3h30. En échange, je suis la première du quartier à sentir le "
            "pain chaud."
        ),
        typical_day=(
            "J'arrive à l'atelier vers 4h: je lance le pétrin, je façonne les pains et je "
            "surveille le four pendant que la ville dort. Vers 7h, la boutique ouvre et tout "
            "doit être prêt, les pains, les croissants, les tartes. Ensuite je prépare les "
            "pâtisseries, je commande la farine, je fais les comptes et je forme mes deux "
            "apprentis. Le plus dur: les horaires, le travail le samedi et le dimanche, et la "
            "fatigue quand les copains proposent une sortie le vendredi soir. Le plus beau: les "
            "clients qui reviennent chaque matin, et inventer un pain au levain qui devient le "
            "préféré du quartier."
        ),
        career_path=(
            (2010, 2013, "Apprentie boulangère", "Boulangerie artisanale, Forest"),
            (2013, 2018, "Boulangère-pâtissière", "Boulangerie, Namur"),
            (2018, None, "Boulangère, fondatrice de sa boulangerie", "Forest"),
        ),
        training=(
            "Formation en alternance en boulangerie-pâtisserie (3 ans), puis une formation en "
            "gestion pour pouvoir ouvrir ma propre boulangerie."
        ),
        skills=("manual-skills", "precision", "organisation", "physical-fitness", "customer-care"),
        interests=("cooking", "business", "music"),
        languages=("fr", "it"),
        place="Forest / Vorst",
        employer_type="self_employed",
        formats=("chat", "qa", "in_person"),
        video_url="https://vimeo.com/318274615",
    ),
    DemoProfile(
        username="demo-pro-translator",
        display_name="Lucía Fernández",
        job_title="Translator at an EU institution",
        sector="public",
        hook=(
            "I turn laws written in English and French into Spanish that millions of people can "
            "read. One wrong word can change the meaning."
        ),
        typical_day=(
            "I work in a team of Spanish translators, mostly from 9 to 5:30, and I can work from "
            "home part of the week. Every day brings new documents: draft laws, reports, press "
            "releases, sometimes a speech needed the same afternoon. I use translation software "
            "and huge terminology databases, but the machine makes mistakes a human has to "
            "catch, so I read everything very carefully. It can feel lonely, with hours of "
            "silent concentration, and the texts are not always exciting. What I love: hunting "
            "for the perfect word, and knowing that people can read their rights in their own "
            "language."
        ),
        career_path=(
            (2008, 2011, "Freelance translator", "Madrid"),
            (2011, 2013, "Translator and proofreader", "Translation agency, Brussels"),
            (2013, None, "Translator", "EU institution, Brussels"),
        ),
        training=(
            "A master's in translation from English and French into Spanish, then a very "
            "selective recruitment competition with written tests."
        ),
        skills=("languages", "writing", "precision", "analysis"),
        interests=("languages", "reading", "travel", "cinema"),
        languages=("en", "es", "fr"),
        place="Etterbeek",
        employer_type="international",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-piloot",
        display_name="Laura Mertens",
        job_title="Piloot vrachtvluchten",
        sector="transport",
        hook=(
            "Ik vlieg 's nachts met tonnen pakjes naar Afrika en het Midden-Oosten. En nee, de "
            "automatische piloot doet niet alles."
        ),
        typical_day=(
            "Mijn vluchten vertrekken vaak 's avonds of 's nachts, want vrachtvliegtuigen "
            "vliegen wanneer passagiers slapen. Een uur voor vertrek bespreek ik met de "
            "gezagvoerder het weer, het gewicht van de lading en de route, en daarna doen we "
            "samen alle controles. Tijdens de vlucht volgen we de systemen, praten we met de "
            "luchtverkeersleiding en zijn we voorbereid op elke mogelijke storing. Twee keer per "
            "jaar moet ik in een vluchtsimulator bewijzen dat ik noodsituaties aankan. Het "
            "zware: jetlag, nachten weg van huis en een onregelmatig leven. Het mooie: een "
            "zonsopgang boven de woestijn, gezien vanuit de cockpit."
        ),
        career_path=(
            (2014, 2016, "Pilotenopleiding", "Vliegschool, Antwerpen"),
            (2016, 2019, "Piloot passagiersvluchten", "Luchtvaartmaatschappij, Antwerpen"),
            (2019, None, "Eerste officier vrachtvluchten", "Vrachtmaatschappij, Zaventem"),
        ),
        training=(
            "Na het secundair (wetenschappen-wiskunde) een pilotenopleiding van twee jaar. Die "
            "opleiding is duur: ik heb er een lening voor moeten aangaan."
        ),
        skills=("stress-management", "precision", "teamwork", "mathematics", "languages"),
        interests=("travel", "space", "technology"),
        languages=("nl", "en", "fr"),
        place="Zaventem",
        employer_type="private",
        formats=("chat", "qa"),
    ),
    DemoProfile(
        username="demo-pro-chercheuse-microbio",
        display_name="Elena Dumitrescu",
        job_title="Chercheuse en microbiologie",
        sector="science",
        hook=(
            "J'étudie des bactéries qui résistent aux antibiotiques. C'est lent, souvent "
            "frustrant, et terriblement passionnant."
        ),
        typical_day=(
            "Mes journées sont partagées entre le laboratoire et l'ordinateur. Au labo, je fais "
            "pousser des bactéries, je teste si de nouvelles molécules les bloquent, et je note "
            "tout très précisément. Beaucoup d'expériences ratent, et il faut comprendre "
            "pourquoi avant de recommencer. À l'ordinateur, j'analyse les résultats, je lis des "
            "articles en anglais et j'écris des demandes de financement, car mon poste dépend de "
            "projets de quelques années. Ce que j'aime: le jour où une expérience marche enfin, "
            "et l'idée que ce travail pourra peut-être soigner des infections qu'on ne sait pas "
            "traiter aujourd'hui."
        ),
        career_path=(
            (2012, 2017, "Doctorante en microbiologie", "Université, Bruxelles"),
            (2017, 2020, "Chercheuse postdoctorale", "Institut de recherche, Lyon"),
            (2020, None, "Chercheuse en microbiologie", "Université, Louvain-la-Neuve"),
        ),
        training=(
            "Master en biologie, puis un doctorat de quatre ans en microbiologie. J'ai grandi en "
            "Roumanie et je suis venue en Belgique pour mes études."
        ),
        skills=("analysis", "precision", "writing", "problem-solving", "languages"),
        interests=("science", "health", "reading", "travel"),
        languages=("fr", "ro", "en"),
        place="Louvain-la-Neuve",
        employer_type="public",
        formats=("qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-developpeuse-web",
        display_name="Ruth Kalala",
        job_title="Développeuse web",
        sector="tech",
        hook=(
            "À 27 ans, j'étais vendeuse. À 29, je codais des applis. Je vous explique comment, "
            "et ce qui a été dur."
        ),
        typical_day=(
            "Je travaille dans une équipe de six personnes qui construit le site et l'appli "
            "d'une entreprise de location de vélos. Le matin, on fait un point de 15 minutes "
            "pour dire sur quoi chacun travaille et où il bloque. Ensuite, j'écris du code, je "
            "le teste, et une collègue le relit avant qu'il parte en ligne. Je passe beaucoup de "
            "temps à chercher pourquoi quelque chose ne marche pas, et il faut accepter de se "
            "sentir bête plusieurs fois par jour. Je suis en télétravail deux jours par semaine. "
            "Ce que j'aime: voir des gens utiliser un bouton que j'ai créé la veille."
        ),
        career_path=(
            (2013, 2020, "Vendeuse en magasin de vêtements", "Magasin, Bruxelles"),
            (2020, 2021, "Formation en développement web", "Centre de formation, Bruxelles"),
            (2021, 2023, "Développeuse junior", "Agence web, Etterbeek"),
            (2023, None, "Développeuse web", "Entreprise de mobilité, Auderghem"),
        ),
        training=(
            "Après un CESS en sciences sociales, une formation intensive de sept mois en "
            "développement web, gratuite pour les demandeurs d'emploi. Depuis, j'apprends "
            "surtout en pratiquant."
        ),
        skills=("programming", "problem-solving", "teamwork", "communication"),
        interests=("fashion", "video-games", "technology", "social-media"),
        languages=("fr", "en", "nl"),
        place="Auderghem / Oudergem",
        employer_type="private",
        formats=("chat", "qa", "one_to_one"),
    ),
    DemoProfile(
        username="demo-pro-labotechnicus",
        display_name="Sander De Clercq",
        job_title="Labotechnicus biotechnologie",
        sector="science",
        hook=(
            "Ik kweek cellen en test nieuwe geneesmiddelen in een lab. Nauwkeurig werken is hier "
            "geen keuze, het is de job."
        ),
        typical_day=(
            "Ik start om 8 uur met het controleren van de celkweken in de broedstoven: groeien "
            "ze goed, is er niets besmet? Daarna voer ik proeven uit volgens een strikt "
            "protocol, pipetteer ik honderden stalen en noteer ik alles in het elektronische "
            "labodagboek. Veel werk is herhaling, en één foutje kan een week werk kapotmaken. Ik "
            "werk samen met onderzoekers die de proeven bedenken, en ik denk mee als iets niet "
            "lukt. Wat ik leuk vind: de vaste uren, van 8 tot 16u30, en weten dat ik meehelp aan "
            "de geneesmiddelen van morgen."
        ),
        career_path=(
            (2017, 2019, "Laborant", "Voedingsbedrijf, Gent"),
            (2019, None, "Labotechnicus", "Biotechbedrijf, Gent"),
        ),
        training="Bachelor in de biomedische laboratoriumtechnologie aan een hogeschool (3 jaar).",
        skills=("precision", "analysis", "organisation", "teamwork"),
        interests=("science", "health", "video-games"),
        languages=("nl", "en"),
        place="Gent",
        employer_type="",
        formats=("chat",),
        verified=False,
    ),
    DemoProfile(
        username="demo-pro-pharmacien",
        display_name="Olivier Nsimba",
        job_title="Pharmacien d'officine",
        sector="health",
        hook=(
            "Le pharmacien, c'est le soignant qu'on voit sans rendez-vous. Je vous montre ce qui "
            "se passe derrière le comptoir."
        ),
        typical_day=(
            "Ma pharmacie est ouverte de 8h30 à 19h, et quelques fois par an je suis de garde la "
            "nuit et le week-end. Je délivre les médicaments prescrits, mais je vérifie toujours "
            "qu'ils ne sont pas dangereux ensemble et j'explique comment les prendre. Beaucoup "
            "de gens viennent aussi pour un conseil: une toux, une piqûre d'insecte, un bébé qui "
            "a de la fièvre, et je dois savoir quand les envoyer chez le médecin. Il y a une "
            "grosse part de gestion: commandes, stocks, équipe et administration avec les "
            "mutuelles. Le plus beau: les patients âgés qui me font confiance depuis des années."
        ),
        career_path=(
            (2009, 2014, "Pharmacien adjoint", "Pharmacie, Ixelles"),
            (2014, None, "Pharmacien titulaire", "Pharmacie de quartier, Namur"),
        ),
        training=(
            "Master en sciences pharmaceutiques (5 ans) à l'université, avec un stage de six "
            "mois en pharmacie."
        ),
        skills=("precision", "customer-care", "listening", "organisation"),
        interests=("health", "science", "reading"),
        languages=("fr", "nl"),
        place="Namur",
        employer_type="",
        formats=("chat", "qa"),
        verified=False,
    ),
    DemoProfile(
        username="demo-pro-urban-farmer",
        display_name="Jonathan Mukendi",
        job_title="Urban farmer",
        sector="environment",
        hook=(
            "I grow vegetables on a rooftop and sell them 500 metres away. Farming in a city is "
            "possible, and it's hard work."
        ),
        typical_day=(
            "In summer I start at 6:30 to water and harvest before it gets too hot; in winter I "
            "start later and spend more time planning and repairing. A day can include sowing, "
            "weeding, turning the compost, fixing the irrigation, packing vegetable boxes and "
            "welcoming a school group who want to see where tomatoes come from. It's physical, "
            "depends on the weather and isn't well paid: one hailstorm can ruin weeks of work. I "
            "also do accounts and write funding applications, because our farm is a non-profit. "
            "What I love: eating a tomato I grew myself, and kids discovering that carrots come "
            "out of the ground."
        ),
        career_path=(
            (2012, 2016, "Warehouse team leader", "Distribution centre, Vilvoorde"),
            (2016, 2018, "Trainee market gardener", "Organic farm, near Namur"),
            (2018, None, "Urban farmer and co-founder", "Rooftop farm, Anderlecht"),
        ),
        training=(
            "A bachelor's in logistics, then a one-year adult course in organic market "
            "gardening. I learned the rest from older farmers."
        ),
        skills=("manual-skills", "physical-fitness", "organisation", "communication"),
        interests=("nature", "environment", "cooking", "business"),
        languages=("en", "fr", "nl"),
        place="Anderlecht",
        employer_type="non_profit",
        formats=("chat", "qa", "in_person"),
    ),
]
