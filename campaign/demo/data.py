"""The coalitions and organizations of the seed articles, as demo records.

Names, places and descriptions come from the articles (the 2014 "ICE out of LA" statement,
the Truthout piece on the Philadelphia Family Unity Network, the 63-group letter on 287(g)).
The organizer account, the supporters and the 287(g) coalition's name are invented, so every
record loaded from here carries is_demo and the pages badge it as demo data.
"""

from campaign.organizations.models import Scope, Sector

DEMO_ORGANIZER = {
    "email": "organizer@example.org",
    "password": "demo-organizer-2026",
    "name": "Demo Organizer",
}

ORGANIZATIONS = {
    "CARECEN": dict(
        name="CARECEN (Central American Resource Center)",
        sector=Sector.LEGAL_SERVICES,
        scope=Scope.LOCAL,
        city="Los Angeles",
        state="CA",
        website="https://www.carecen-la.org",
        founded_year=1983,
        description="Protects the rights and dignity of Central American and Latino immigrants in "
        "Southern California since 1983.",
    ),
    "NDLON": dict(
        name="National Day Laborer Organizing Network",
        sector=Sector.LABOR,
        scope=Scope.NATIONAL,
        city="Los Angeles",
        state="CA",
        website="https://ndlon.org",
        founded_year=2001,
        description="Day laborer organizing network; coordinates the Turning the Tide campaign "
        "and California advocacy for the TRUST Act.",
    ),
    "Juntos": dict(
        name="Juntos",
        sector=Sector.GRASSROOTS,
        scope=Scope.LOCAL,
        city="Philadelphia",
        state="PA",
        website="https://vamosjuntos.org",
        founded_year=2002,
        description="Latino immigrant community organization in South Philadelphia.",
    ),
    "1Love": dict(
        name="1Love Movement",
        sector=Sector.GRASSROOTS,
        scope=Scope.LOCAL,
        city="Philadelphia",
        state="PA",
        website="",
        founded_year=None,
        description="Works with Cambodian refugees brought to the United States as children.",
    ),
    "NSM": dict(
        name="New Sanctuary Movement of Philadelphia",
        sector=Sector.FAITH_BASED,
        scope=Scope.LOCAL,
        city="Philadelphia",
        state="PA",
        website="https://www.sanctuaryphiladelphia.org",
        founded_year=2007,
        description="Interfaith immigrant justice organization of congregations and immigrants.",
    ),
    "PICC": dict(
        name="Pennsylvania Immigration and Citizenship Coalition",
        sector=Sector.CIVIL_RIGHTS,
        scope=Scope.STATE,
        city="Philadelphia",
        state="PA",
        website="https://paimmigrant.org",
        founded_year=None,
        description="Statewide coalition for the rights of immigrants in Pennsylvania.",
    ),
    "VWS": dict(
        name="Victim/Witness Services of South Philadelphia",
        sector=Sector.LEGAL_SERVICES,
        scope=Scope.LOCAL,
        city="Philadelphia",
        state="PA",
        website="",
        founded_year=None,
        description="Supports victims and witnesses of crime in South Philadelphia.",
    ),
    "UWD": dict(
        name="United We Dream",
        sector=Sector.YOUTH,
        scope=Scope.NATIONAL,
        city="Washington",
        state="DC",
        website="https://unitedwedream.org",
        founded_year=2008,
        description="The largest immigrant youth-led organization in the nation: 55 local groups "
        "in 26 states.",
    ),
    "ACLU": dict(
        name="American Civil Liberties Union",
        sector=Sector.CIVIL_RIGHTS,
        scope=Scope.NATIONAL,
        city="New York",
        state="NY",
        website="https://www.aclu.org",
        founded_year=1920,
        description="Defends the rights and liberties the Constitution guarantees to everyone.",
    ),
    "NDWA": dict(
        name="National Domestic Workers Alliance",
        sector=Sector.LABOR,
        scope=Scope.NATIONAL,
        city="Washington",
        state="DC",
        website="https://www.domesticworkers.org",
        founded_year=2007,
        description="Organizes for the respect, recognition and rights of domestic workers.",
    ),
    "GLAHR": dict(
        name="Georgia Latino Alliance for Human Rights",
        sector=Sector.CIVIL_RIGHTS,
        scope=Scope.STATE,
        city="Norcross",
        state="GA",
        website="https://glahr.org",
        founded_year=None,
        description="Organizes Latino communities in Georgia against racial profiling and deportation.",
    ),
    "NCTE": dict(
        name="National Center for Transgender Equality",
        sector=Sector.CIVIL_RIGHTS,
        scope=Scope.NATIONAL,
        city="Washington",
        state="DC",
        website="https://transequality.org",
        founded_year=2003,
        description="Advocates for policy change to advance transgender equality.",
    ),
    "NIPNLG": dict(
        name="National Immigration Project of the National Lawyers Guild",
        sector=Sector.LEGAL_SERVICES,
        scope=Scope.NATIONAL,
        city="Washington",
        state="DC",
        website="https://nipnlg.org",
        founded_year=1971,
        description="Lawyers and advocates defending the rights of immigrants.",
    ),
    "ILRC": dict(
        name="Immigrant Legal Resource Center",
        sector=Sector.LEGAL_SERVICES,
        scope=Scope.NATIONAL,
        city="San Francisco",
        state="CA",
        website="https://www.ilrc.org",
        founded_year=1979,
        description="Trains and supports attorneys and advocates working with immigrants.",
    ),
}

COALITIONS = [
    dict(
        name="ICE out of LA",
        region="Los Angeles, California",
        description="Los Angeles-based grassroots, faith-based, labor, legal and civil rights "
        "organizations working to stop deportations and end collaboration between local police and "
        "immigration enforcement, until ICE is out of LA.",
        members=["CARECEN", "NDLON"],
        alerts=[
            {
                "subject": "Stop the Raids: rally outside the ICE offices on Thursday (demo)",
                "body": "ICE keeps deporting our neighbors through Secure Communities. **Join us Thursday at "
                "noon** outside the ICE offices downtown to say: not one more.\n\n"
                "- Bring a sign and a friend\n- Legal observers will be on site\n\n"
                "(Demo data: an alert you can preview, test and send to the demo supporters.)",
                "subject_es": "Paren las redadas: manifestación ante las oficinas de ICE el jueves (demo)",
                "body_es": "ICE sigue deportando a nuestros vecinos con Comunidades Seguras. "
                "**Acompáñanos el jueves al mediodía** frente a las oficinas de ICE "
                "para decir: ni uno más.\n\n"
                "- Trae un cartel y a una amistad\n- Habrá observadores legales\n\n"
                "(Datos de demostración.)",
                "audience": {"source": "subscribers"},
            }
        ],
    ),
    dict(
        name="Philadelphia Family Unity Network",
        region="Philadelphia, Pennsylvania",
        description="Formed to push back on ICE detainers in Philadelphia after Secure Communities; "
        "Mayor Nutter's executive order later ended immigration holds without a judicial warrant.",
        members=["Juntos", "1Love", "NSM", "PICC", "VWS"],
        petitions=[
            {
                "title": "End ICE holds in Philadelphia (demo)",
                "title_es": "Fin a las retenciones de ICE en Filadelfia (demo)",
                "target": "Mayor Michael Nutter",
                "ask": "Sign an executive order: no one is held for ICE without a judicial warrant.",
                "ask_es": "Firme una orden ejecutiva: nadie será retenido para ICE sin una orden judicial.",
                "body": "Since Secure Communities, Philadelphia has held neighbors for ICE on a detainer "
                "request alone. **Families are separated every week.**\n\n(Demo data.)",
                "body_es": "Desde Comunidades Seguras, Filadelfia retiene a vecinos para ICE con una simple "
                "solicitud. **Cada semana se separan familias.**\n\n(Datos de demostración.)",
                "goal": 1000,
            }
        ],
    ),
    dict(
        name="End 287(g) Coalition (demo)",
        region="National",
        description="National and local groups that signed the letter to the Secretary of Homeland "
        "Security and the Director of ICE asking to terminate all 287(g) agreements.",
        members=["UWD", "ACLU", "NDWA", "NDLON", "GLAHR", "NCTE", "NIPNLG", "ILRC"],
        letters=[
            {
                "title": "Terminate all 287(g) agreements (demo)",
                "title_es": "Terminen todos los acuerdos 287(g) (demo)",
                "body": "Dear Secretary Johnson and Director Saldaña,\n\n"
                "We, the undersigned national and local organizations, write as ICE meets to review the "
                "32 contracts it holds with state and local governments and a proposal to add 6 more.\n\n"
                "The 287(g) program harms community trust in police and all residents' right to unbiased "
                "law enforcement. It also creates the atmosphere that leads to civil rights violations and "
                "racial profiling that primarily affect communities of color and immigrants.\n\n"
                "**We urge DHS and ICE to terminate all existing 287(g) agreements and to reject all "
                "pending applications immediately.**\n\n(Demo data, from the coalition's 2015 letter.)",
                "body_es": "Estimado Secretario Johnson y estimada Directora Saldaña:\n\n"
                "Las organizaciones nacionales y locales abajo firmantes les escribimos mientras ICE "
                "revisa los 32 contratos que mantiene con gobiernos estatales y locales.\n\n"
                "El programa 287(g) daña la confianza de la comunidad en la policía y fomenta el perfil "
                "racial contra comunidades de color e inmigrantes.\n\n"
                "**Pedimos al DHS y a ICE que terminen todos los acuerdos 287(g) vigentes y rechacen de "
                "inmediato todas las solicitudes pendientes.**\n\n(Datos de demostración.)",
                "targets": [
                    {
                        "name": "Jeh Johnson",
                        "title": "Secretary",
                        "office": "U.S. Department of Homeland Security",
                    },
                    {
                        "name": "Sarah Saldaña",
                        "title": "Director",
                        "office": "U.S. Immigration and Customs Enforcement",
                    },
                ],
                "signatories": ["UWD", "ACLU", "NDWA", "NDLON", "GLAHR", "NCTE", "NIPNLG", "ILRC"],
                "leads": ["UWD", "ACLU", "NDWA"],
            }
        ],
        actions=[
            {
                "title": "National day of action: end Secure Communities (demo)",
                "title_es": "Jornada nacional de acción: terminen Comunidades Seguras (demo)",
                "description": "Immigrant rights organizations join in six U.S. cities to deliver "
                "**“Restoring Community”**, a report documenting the abuses of ICE's Secure Communities "
                "program, and to demand that the administration end it now.\n\n(Demo data, drawn from "
                "the coalition's day of action.)",
                "description_es": "Organizaciones por los derechos de los inmigrantes se unen en seis "
                "ciudades para entregar el informe **“Restoring Community”** sobre los abusos del programa "
                "Comunidades Seguras de ICE y exigir que se termine ya.\n\n(Datos de demostración.)",
                "demand": "1. End the Secure Communities program.\n"
                "2. Complete the Inspector General's audit and investigate the FBI's role.\n"
                "3. Stop entangling local police with federal immigration enforcement.\n"
                "4. Never compel states and localities to forward fingerprints to DHS.",
                "demand_es": "1. Terminar el programa Comunidades Seguras.\n"
                "2. Completar la auditoría del Inspector General e investigar el papel del FBI.\n"
                "3. Separar a la policía local de la aplicación federal de leyes migratorias.\n"
                "4. No obligar a estados y localidades a enviar huellas digitales al DHS.",
                "days_from_now": 21,
                "proposals_open": True,
                "events": [
                    dict(
                        host="UWD",
                        kind="delivery",
                        zip="20528",
                        start=(10, 0),
                        hours=2,
                        title="Deliver the report to DHS",
                        title_es="Entrega del informe al DHS",
                        venue="DHS headquarters",
                        address="2707 Martin Luther King Jr Ave SE",
                        capacity=None,
                        languages="en,es",
                        marshals=True,
                        legal_observers=True,
                        hotline="+12025550147",
                        accessibility="Step-free route from the Metro; seating.",
                    ),
                    dict(
                        host="NDLON",
                        kind="rally",
                        zip="90012",
                        start=(11, 0),
                        hours=2,
                        title="Stop the Raids rally outside ICE",
                        title_es="Mitin Alto a las Redadas frente a ICE",
                        venue="Federal building",
                        address="300 N Los Angeles St",
                        capacity=None,
                        languages="es,en",
                        marshals=True,
                        legal_observers=True,
                        hotline="+12135550199",
                        safety_notes="Stay with your group; marshals wear orange vests.",
                    ),
                    dict(
                        host="GLAHR",
                        kind="vigil",
                        zip="30093",
                        start=(18, 30),
                        hours=1,
                        title="Vigil for families separated by S-Comm",
                        title_es="Vigilia por las familias separadas",
                        venue="Church hall",
                        address="5500 Jimmy Carter Blvd",
                        address_public=False,
                        capacity=40,
                        languages="es,en",
                        legal_observers=True,
                        hotline="+17705550123",
                        safety_notes="The address is shared with people who RSVP only.",
                    ),
                    dict(
                        host="ILRC",
                        kind="training",
                        zip="94103",
                        start=(17, 0),
                        hours=2,
                        title="Know-your-rights training",
                        title_es="Taller de conoce tus derechos",
                        venue="Mission community center",
                        address="362 Capp St",
                        capacity=3,
                        languages="es,en,zh",
                        accessibility="Wheelchair accessible; childcare on site.",
                    ),
                    dict(
                        host="ACLU",
                        kind="press_conference",
                        zip="10007",
                        start=(10, 30),
                        hours=1,
                        title="Press conference at 26 Federal Plaza",
                        title_es="Conferencia de prensa",
                        venue="Foley Square",
                        address="26 Federal Plaza",
                        languages="en,es",
                    ),
                    dict(
                        host="NDWA",
                        kind="march",
                        zip="33130",
                        start=(16, 0),
                        hours=2,
                        title="March to the ICE field office",
                        title_es="Marcha a la oficina de ICE",
                        venue="Riverside Park",
                        address="100 SW 3rd Ave",
                        languages="es,en,ht",
                        marshals=True,
                    ),
                ],
            }
        ],
    ),
]

# Invented supporters, to show counts on the organizer pages. Addresses use example.org.
SUPPORTERS = [
    ("Lucía", "demo.lucia@example.org", "90057", "es"),
    ("Marcus", "demo.marcus@example.org", "90033", "en"),
    ("Sokha", "demo.sokha@example.org", "19148", "en"),
    ("Rosa", "demo.rosa@example.org", "19147", "es"),
    ("Daniel", "demo.daniel@example.org", "30093", "en"),
]
