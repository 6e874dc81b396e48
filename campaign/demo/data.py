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
