"""Annexes: methodology from the indicator registry, data quality, suppressed cells, provenance,
glossary, and (internal named edition only) the audited companies."""

from __future__ import annotations

from .. import __version__
from ..formatting import HIDDEN_STATUSES
from . import data as d
from .model import Paragraph, Section, label, number_cell
from .provenance import settings_rows

GLOSSARY = {
    "fr": [
        ("BMO", "Enquête Besoins en Main-d'Œuvre de France Travail : projets de recrutement déclarés par "
                "les employeurs pour l'année, dont ceux qu'ils jugent difficiles."),
        ("Classe de tension", "Indicateur principal de tension de la Dares et de France Travail, publié en "
                              "cinq classes (1 : tension très faible ; 5 : tension très forte)."),
        ("Demandeurs d'emploi (cat. A, B, C)", "Inscrits à France Travail tenus de chercher un emploi, sans "
                                               "emploi (A) ou ayant travaillé dans le mois (B, C)."),
        ("FAP", "Familles professionnelles (Dares) : nomenclature des métiers qui rapproche le ROME des "
                "professions de l'Insee (PCS)."),
        ("Fragile (†)", "Chiffre calculé sur une base inférieure au seuil de fiabilité : à lire avec prudence."),
        ("GTEC", "Gestion territoriale des emplois et des compétences."),
        ("Indice de vieillissement", "Nombre de personnes de 65 ans ou plus pour 100 personnes de moins de "
                                     "20 ans (Insee)."),
        ("NAF", "Nomenclature d'activités française (Insee) : le secteur d'une entreprise."),
        ("Omphale", "Modèle de projection de population de l'Insee, non publié pour les territoires de "
                    "moins de 50 000 habitants."),
        ("ROME", "Répertoire opérationnel des métiers et des emplois (France Travail)."),
        ("Secret statistique (s)", "Règles de la statistique publique qui empêchent de reconnaître une "
                                   "entreprise : fréquence, dominance et masquage secondaire."),
        ("Triangulation", "Mise en regard, métier par métier, des audits d'entreprises et des sources "
                          "publiques ; un désaccord est un constat, pas une erreur."),
    ],
    "en": [
        ("BMO", "France Travail's labour needs survey: hiring projects employers declare for the year, and "
                "those they expect to be difficult."),
        ("Tension class", "Main labour-market tension indicator of Dares and France Travail, in five classes "
                          "(1: very low; 5: very high)."),
        ("Job seekers (cat. A, B, C)", "People registered with France Travail who must look for work: "
                                       "unemployed (A) or with some work in the month (B, C)."),
        ("FAP", "Dares occupational families, linking ROME occupations to Insee's PCS."),
        ("Fragile (†)", "Figure computed on a base below the reliability threshold: read with caution."),
        ("GTEC", "Territorial management of jobs and skills."),
        ("Ageing index", "People aged 65 or more per 100 people under 20 (Insee)."),
        ("NAF", "French classification of activities (Insee): a company's sector."),
        ("Omphale", "Insee population projection model, not published for areas under 50,000 people."),
        ("ROME", "France Travail's occupation directory."),
        ("Statistical confidentiality (s)", "Official statistics rules that prevent identifying a company: "
                                            "frequency, dominance and secondary suppression."),
        ("Triangulation", "Audit evidence set against public evidence, occupation by occupation; a "
                          "disagreement is a finding, not an error."),
    ],
}


def annexes(ctx, tables_so_far) -> Section:
    """The annex section and its subsections."""
    section = Section("annexes", ctx.t.s_annexes)
    section.subsections = [methodology(ctx), quality(ctx), secrecy(ctx, tables_so_far), provenance(ctx),
                           glossary(ctx)]
    if ctx.internal:
        section.subsections.append(named(ctx))
    return section


def methodology(ctx) -> Section:
    """The indicator registry, as the code uses it, and the report's own conventions."""
    from ..indicators import INDICATORS

    t, s = ctx.t, ctx.settings
    sub = Section("methodology", t.s_methodology)
    conf, small, ass = s.confidentiality, s.small_numbers, s.assumptions
    sub.add(Paragraph(t.f("thresholds", min_companies=conf.min_companies,
                          dominance=ctx.fmt.integer(conf.dominance_share * 100),
                          small_companies=small.min_companies, small_people=small.min_people,
                          retirement_age=ass.retirement_age,
                          scenarios=", ".join(str(a) for a in ass.retirement_scenarios))))
    for key in ("method_secrecy", "method_domains", "method_bmo", "method_ratios"):
        sub.add(Paragraph(getattr(t, key)))
    rows = [[label(f"{ind.title_fr if ctx.lang == 'fr' else ind.title_en} ({ind.name})"),
             label(ind.formula), label(ind.unit), label(ind.source),
             label((ind.caveats or "") + ("" if ind.official else f" {t.gtec_own}"))]
            for ind in INDICATORS]
    sub.add(ctx.table(t.registry_title, [t.indicator, t.formula, t.unit, t.source, t.caveats], rows,
                      source=t.source_registry))
    return sub


def _display_name(ctx, drop) -> str:
    """Audit file names often name the company: the committee edition prints a neutral label."""
    if drop.kind == "audit" and not ctx.internal:
        return ctx.t.f("audit_file_hidden", id=drop.id)
    return drop.file_name


def quality(ctx) -> Section:
    """Warnings and findings recorded when each file was ingested."""
    t = ctx.t
    sub = Section("quality", t.s_quality)
    rows = []
    for drop in ctx.drops:
        findings = drop.metadata.get("findings") or {}
        text = ", ".join(f"{code} ×{n}" for code, n in sorted(findings.items())) or "—"
        masked = _masked(drop.metadata)
        rows.append([label(_display_name(ctx, drop)), label(drop.kind), number_cell(ctx.fmt, drop.warnings),
                     number_cell(ctx.fmt, masked), label(text)])
    if not rows:
        sub.absent = t.f("absent", what=t.absent_sources)
        return sub
    sub.add(Paragraph(t.quality_intro))
    sub.add(ctx.table(t.quality_title, [t.file, t.kind, t.warnings, t.masked_cells, t.findings_codes], rows,
                      source=t.source_ingest, notes=[t.quality_note]))
    return sub


def _masked(meta: dict) -> int:
    total = int(meta.get("masked_cells", 0) or 0)
    sheets = meta.get("sheets")
    if isinstance(sheets, dict):
        for sheet in sheets.values():
            if isinstance(sheet, dict):
                total += sum((sheet.get("masked") or {}).values())
    return total


def secrecy(ctx, tables) -> Section:
    """How many printed cells are hidden, by rule, and where."""
    t = ctx.t
    sub = Section("secrecy", t.s_secrecy)
    per_table, totals = [], {"A": 0, "B": 0, "D": 0}
    for table in tables:
        counts = {k: 0 for k in totals}
        for row in table.rows:
            for c in row:
                if c.status in HIDDEN_STATUSES:
                    counts[c.status] += 1
        if any(counts.values()):
            per_table.append((table, counts))
            for k in totals:
                totals[k] += counts[k]
    conf = ctx.settings.confidentiality
    sub.add(Paragraph(t.f("secrecy_intro", min_companies=conf.min_companies,
                          dominance=ctx.fmt.integer(conf.dominance_share * 100))))
    fmt = ctx.fmt
    rows = [[label(f"{t.figure if tb.figure else t.table} {tb.figure or tb.number} – {tb.title}"),
             *[number_cell(fmt, c[k]) for k in "ABD"],
             number_cell(fmt, sum(c.values()))] for tb, c in per_table]
    rows.append([label(t.total), *[number_cell(fmt, totals[k], total=True) for k in "ABD"],
                 number_cell(fmt, sum(totals.values()), total=True)])
    sub.add(ctx.table(t.secrecy_title, [t.table, t.rule_a, t.rule_b, t.rule_d, t.total], rows,
                      source=ctx.audit_source, total_rows={len(rows) - 1}))
    ctx.secrecy_totals = totals
    return sub


def provenance(ctx) -> Section:
    """gtec version, settings, the drops used with their SHA-256, and the attached CSV."""
    t, fmt = ctx.t, ctx.fmt
    sub = Section("provenance", t.s_provenance)
    sub.add(Paragraph(t.f("provenance_intro", version=__version__, name=ctx.attachment_name)))
    rows = [[label(_display_name(ctx, drop)), label(drop.kind), label(drop.period),
             label(drop.ingested_at[:10]), number_cell(fmt, sum(drop.row_counts.values())),
             _code(drop.sha256)] for drop in ctx.drops]
    notes = [] if ctx.internal else [t.audit_names_note]
    sub.add(ctx.table(t.drops_title, [t.file, t.kind, t.period, t.stored_on, t.rows, t.sha256], rows,
                      source="gtec", notes=notes))
    rows = [[label(k), label(v)] for k, v in settings_rows(ctx.settings)]
    sub.add(ctx.table(t.settings, [t.setting, t.value], rows, source="gtec.toml"))
    sub.add(Paragraph(t.f("attachment_note", name=ctx.attachment_name), "note"))
    return sub


def _code(text: str):
    cell = label(text)
    cell.kind = "label code"
    return cell


def glossary(ctx) -> Section:
    """Terms a committee member may not know."""
    sub = Section("glossary", ctx.t.s_glossary)
    rows = [[label(term), label(text)] for term, text in GLOSSARY[ctx.lang]]
    sub.add(ctx.table(ctx.t.s_glossary, [ctx.t.term, ctx.t.definition], rows, source="gtec"))
    return sub


def named(ctx) -> Section:
    """Internal named edition only: the audited companies and their own words."""
    t = ctx.t
    sub = Section("named", t.s_named)
    sub.add(Paragraph(t.internal_warning, "warning"))
    companies = ctx.frame("companies")
    if companies.empty:
        sub.absent = t.f("absent", what=t.absent_audits)
        return sub
    rows = [[label(r["name"]), _code(str(r["siret"])), label(d.naf_label(r["naf"])),
             number_cell(ctx.fmt, r["headcount"]), label(r["company_type"]), label(r["commune"])]
            for _, r in companies.sort_values("name").iterrows()]
    sub.add(ctx.table(t.named_companies_title, [t.company, "SIRET", t.sector, t.headcount, t.company_type,
                                                 t.commune], rows, source=ctx.audit_source))
    names = dict(zip(companies["siret"], companies["name"]))
    comments = ctx.frame("assessments")
    if not comments.empty:
        comments = comments[comments["comment"].notna() & (comments["comment"].astype(str).str.strip() != "")]
        from .sections_audit import THEME_LABELS

        comments = comments.assign(company=comments["siret"].map(names).fillna(comments["siret"]))
        rows, previous = [], None
        for _, r in comments.sort_values(["company", "siret", "theme"]).iterrows():
            # The company is named on its first line only: the table reads as one block per company.
            rows.append([label(r["company"] if r["siret"] != previous else ""),
                         label(THEME_LABELS.get(r["theme"], (r["theme"],) * 2)[ctx.lang != "fr"]),
                         number_cell(ctx.fmt, r["score"]), label(r["comment"])])
            previous = r["siret"]
        if rows:
            sub.add(ctx.table(t.named_comments_title, [t.company, t.theme, t.score, t.comment], rows,
                              source=ctx.audit_source))
    return sub
