"""The diagnostic's "what changed since the previous period" section, right after the summary.

The comparison itself is :func:`gtec_cli.report.changes.compare`; this module protects the
previous period's audit tables the way that period's report did, and lays the result out: headline
figures of both periods, recruitment difficulties that appeared or were resolved, occupations
crossing public thresholds, audited companies in and out (counts only in the committee edition),
and sources whose vintage changed.
"""

from __future__ import annotations

from .. import nomenclatures as nom
from ..formatting import finite
from . import data as d
from .changes import HEADLINE, MAX_ROWS, AuditSecrecy, compare
from .model import Cell, Paragraph, Section, label, number_cell

WORDS = {
    "fr": {
        "intro": "Ce qui a changé entre la période « {before} » et la période « {now} ». Les chiffres "
                 "des audits suivent le secret statistique de chacune des deux périodes : un chiffre "
                 "masqué dans l'une ou l'autre est imprimé « s », et son évolution aussi.",
        "difficulties_title": "Difficultés de recrutement apparues ou résolues (audits)",
        "difficulties_none": "Aucun métier audité n'a franchi le seuil de {threshold} de postes jugés "
                             "difficiles entre les deux périodes.",
        "difficulties_rule": "Un métier est en difficulté quand au moins {threshold} de ses postes prévus "
                             "sont jugés difficiles (seuil du croisement des sources, réglage "
                             "[triangulation]).",
        "hidden": "{n} métier(s) audité(s) dont les chiffres sont couverts par le secret statistique dans "
                  "l'une des deux périodes ne sont pas comparés : dire qu'ils franchissent le seuil "
                  "révélerait un encadrement du chiffre masqué.",
        "finding": "Constat", "new": "nouvelle difficulté", "resolved": "difficulté résolue",
        "public_title": "Métiers qui franchissent un seuil (sources publiques)",
        "public_none": "Aucun métier ne franchit les seuils publics ({bmo} de projets difficiles dans "
                       "l'enquête BMO, classe de tension {tension}) entre les deux périodes.",
        "public_rule": "Seuils : {bmo} de projets difficiles (BMO), classe de tension {tension} ou plus. "
                       "Métiers de l'enquête BMO comparés s'ils comptent au moins {small} projets dans les "
                       "deux périodes.",
        "public_small": "{n} métier(s) de l'enquête BMO laissé(s) de côté : moins de {small} projets dans "
                        "l'une des périodes.",
        "more": "… et {n} autre(s), non imprimé(s).",
        "bmo_share": "Part des projets difficiles, BMO {y0} → {y1}",
        "tension": "Classe de tension ({source}), {y0} → {y1}",
        "direction": "Sens", "up": "atteint le seuil", "down": "repasse sous le seuil",
        "source_public": "France Travail (BMO, tension) ; Dares",
        "companies_title": "Entreprises auditées : arrivées et départs",
        "movement": "Mouvement", "companies": "Entreprises", "names": "Entreprises (édition interne)",
        "added": "Auditées pour la première fois", "gone": "Plus prises en compte",
        "updated": "Auditées à nouveau (réponses mises à jour)",
        "carried": "Réponses d'une période antérieure conservées",
        "companies_note": "Chaque entreprise compte une fois, avec son audit le plus récent.",
        "sources_title": "Sources dont le millésime a changé",
        "sources_none": "Aucune source n'a changé de millésime entre les deux périodes.",
        "source": "Source", "what": "Changement", "vintage": "nouveau millésime",
        "kind_new": "nouvelle source",
        "kind_gone": "source retirée", "kind_updated": "fichier renouvelé, même millésime",
        "summary": "Depuis la période « {before} » : {new} nouvelle(s) difficulté(s) de recrutement et "
                   "{resolved} résolue(s) dans les audits, {public} métier(s) franchissant un seuil "
                   "public, {added} entreprise(s) auditée(s) pour la première fois, {sources} source(s) "
                   "nouvelle(s) ou de nouveau millésime.",
    },
    "en": {
        "intro": "What changed between {before} and {now}. Audit figures follow the statistical "
                 "confidentiality of each period: a figure hidden in either prints \"s\", and so does its "
                 "change.",
        "difficulties_title": "Recruitment difficulties that appeared or were resolved (audits)",
        "difficulties_none": "No audited occupation crossed the {threshold} threshold of difficult positions "
                             "between the two periods.",
        "difficulties_rule": "An occupation is in difficulty when at least {threshold} of its planned "
                             "positions are expected to be difficult (triangulation threshold, "
                             "[triangulation] setting).",
        "hidden": "{n} audited occupation(s) whose figures are confidential in either period are not "
                  "compared: saying they crossed the threshold would bound the hidden figure.",
        "finding": "Finding", "new": "new difficulty", "resolved": "difficulty resolved",
        "public_title": "Occupations crossing a threshold (public sources)",
        "public_none": "No occupation crosses the public thresholds ({bmo} of difficult BMO projects, "
                       "tension class {tension}) between the two periods.",
        "public_rule": "Thresholds: {bmo} of difficult projects (BMO), tension class {tension} or more. BMO "
                       "occupations are compared when they have at least {small} projects in both periods.",
        "public_small": "{n} BMO occupation(s) left out: fewer than {small} projects in either period.",
        "more": "… and {n} more, not printed.",
        "bmo_share": "Share of difficult projects, BMO {y0} → {y1}",
        "tension": "Tension class ({source}), {y0} → {y1}",
        "direction": "Direction", "up": "reaches the threshold", "down": "falls below the threshold",
        "source_public": "France Travail (BMO, tension); Dares",
        "companies_title": "Audited companies in and out",
        "movement": "Movement", "companies": "Companies", "names": "Companies (internal edition)",
        "added": "Audited for the first time", "gone": "No longer counted",
        "updated": "Audited again (answers updated)", "carried": "Answers of an earlier period kept",
        "companies_note": "Each company counts once, with its latest audit.",
        "sources_title": "Sources whose vintage changed",
        "sources_none": "No source changed vintage between the two periods.",
        "source": "Source", "what": "Change", "vintage": "new vintage", "kind_new": "new source",
        "kind_gone": "source withdrawn", "kind_updated": "file renewed, same vintage",
        "summary": "Since {before}: {new} new recruitment difficulty(ies) and {resolved} resolved in the "
                   "audits, {public} occupation(s) crossing a public threshold, {added} company(ies) audited "
                   "for the first time, {sources} new source(s) or new vintage(s).",
    },
}


def section(ctx, order: int, *, drops) -> Section:
    """The section; `drops` are the store's drops (periods and vintages of the rows used)."""
    from .context import ReportContext
    from .sections_audit import protect_audits

    t, fmt = ctx.t, ctx.fmt
    w = WORDS[ctx.lang]
    section = Section("changes", t.s_changes)
    previous = ctx.previous_period
    if previous is None or ctx.load_previous is None:
        section.absent = t.no_previous_period
        return section
    before = ctx.load_previous(previous)
    # The previous period's audit tables, protected exactly as that period's report printed them.
    then = ReportContext(root=ctx.root, settings=ctx.settings, period=previous, lang=ctx.lang,
                         internal=ctx.internal, frames=before, drops=[], output=ctx.output)
    if not then.frame("companies").empty:
        protect_audits(then)
    secrecy = (AuditSecrecy(then.protected, ctx.settings), AuditSecrecy(ctx.protected, ctx.settings))
    cmp = compare(before, ctx.frames, ctx.settings, previous=previous, period=ctx.period, drops=drops,
                  secrecy=secrecy)
    p0, p1 = fmt.period(previous), fmt.period(ctx.period)
    section.add(Paragraph(w["intro"].format(before=p0, now=p1)))
    section.add(_headline(ctx, cmp, p0, p1))
    thresholds = ctx.settings.triangulation
    _difficulties(ctx, section, cmp, p0, p1, w, fmt.percent(thresholds.audit_difficult_share, 0))
    _public(ctx, section, cmp, p0, p1, w)
    _companies(ctx, section, cmp, w)
    _sources(ctx, section, cmp, p0, p1, w)
    ctx.finding(order, w["summary"].format(
        before=p0, new=sum(r["change"] == "new" for r in cmp.difficulties),
        resolved=sum(r["change"] == "resolved" for r in cmp.difficulties), public=len(cmp.public),
        added=len(cmp.companies.get("added", [])),
        sources=sum(r["what"] in ("vintage", "new") for r in cmp.sources)))
    return section


def _change(fmt, before, after, kind: str) -> Cell:
    """The difference of two figures: `s` when either is hidden, `—` when either is missing."""
    hidden = next((f.status for f in (before, after) if f is not None and f.status != "V"), None)
    if hidden:
        return Cell("s", kind="suppressed", status=hidden)
    if before is None or after is None or not (finite(before.value) and finite(after.value)):
        return number_cell(fmt, None)
    diff = after.value - before.value
    text = fmt.points(diff) if kind == "percent" else fmt.signed(diff, 0 if kind == "integer" else 1)
    return Cell(text, raw=diff)


def _figure(ctx, f, kind: str) -> Cell:
    if f is None:
        return number_cell(ctx.fmt, None)
    fragile = f.n_companies is not None and ctx.fragile_companies(f.n_companies)
    return number_cell(ctx.fmt, f.value, kind=kind, status=f.status, fragile=fragile)


def _headline(ctx, cmp, p0: str, p1: str):
    t = ctx.t
    rows = []
    for key, kind in HEADLINE:
        before, after = cmp.headline.get(key, (None, None))
        if before is None and after is None:
            continue
        rows.append([label(getattr(t, f"change_{key}")), _figure(ctx, before, kind),
                     _figure(ctx, after, kind), _change(ctx.fmt, before, after, kind)])
    return ctx.table(t.f("changes_title", before=p0, now=p1), [t.indicator, p0, p1, t.change], rows,
                     source=t.source_changes, notes=[t.changes_note])


def _difficulties(ctx, section, cmp, p0, p1, w, threshold: str) -> None:
    t = ctx.t
    if cmp.difficulties:
        rows = [[label(d.occupation_label(r["occupation"])), _figure(ctx, r["before"], "percent"),
                 _figure(ctx, r["after"], "percent"), _change(ctx.fmt, r["before"], r["after"], "percent"),
                 label(w[r["change"]])] for r in cmp.difficulties]
        section.add(ctx.table(w["difficulties_title"], [t.occupation, p0, p1, t.change, w["finding"]],
                              rows, source=ctx.audit_source,
                              notes=[w["difficulties_rule"].format(threshold=threshold)]))
    else:
        section.add(Paragraph(w["difficulties_none"].format(threshold=threshold)))
    if cmp.hidden_occupations:
        section.add(Paragraph(w["hidden"].format(n=cmp.hidden_occupations), "note"))


def _occupation(code: str, given: str | None) -> str:
    if given:
        return f"{code} {given}"
    if nom.FAP_RE.match(code):
        found = nom.fap_labels().get(code)
        return f"{code} {found}" if found else code
    return d.occupation_label(code)


def _public(ctx, section, cmp, p0, p1, w) -> None:
    t, fmt = ctx.t, ctx.fmt
    s = ctx.settings
    bmo, tension = fmt.percent(s.triangulation.bmo_difficult_share, 0), s.triangulation.tension_class
    if not cmp.public:
        section.add(Paragraph(w["public_none"].format(bmo=bmo, tension=tension)))
    else:
        rows = []
        for r in cmp.public[:MAX_ROWS]:
            kind = "percent" if r["indicator"] == "bmo" else "integer"
            what = (w["bmo_share"] if r["indicator"] == "bmo" else w["tension"]).format(
                y0=r["year_before"], y1=r["year_after"], source=r["source"])
            rows.append([label(_occupation(r["occupation"], r["label"])), label(what),
                         number_cell(fmt, r["before"], kind=kind), number_cell(fmt, r["after"], kind=kind),
                         label(w[r["direction"]])])
        notes = [w["public_rule"].format(bmo=bmo, tension=tension, small=s.small_numbers.min_projects)]
        if len(cmp.public) > MAX_ROWS:
            notes.append(w["more"].format(n=len(cmp.public) - MAX_ROWS))
        section.add(ctx.table(w["public_title"], [t.occupation, t.indicator, p0, p1, w["direction"]], rows,
                              source=w["source_public"], notes=notes))
    if cmp.public_small:
        section.add(Paragraph(w["public_small"].format(n=cmp.public_small,
                                                       small=s.small_numbers.min_projects), "note"))


def _companies(ctx, section, cmp, w) -> None:
    if not any(cmp.companies.values()):
        return
    rows = []
    for key in ("added", "gone", "updated", "carried"):
        sirets = cmp.companies.get(key, [])
        row = [label(w[key]), number_cell(ctx.fmt, len(sirets))]
        if ctx.internal:  # names only in the internal edition, which says so on every page
            row.append(label(", ".join(sorted(cmp.names.get(s, s) for s in sirets)) or "—"))
        rows.append(row)
    columns = [w["movement"], w["companies"], *([w["names"]] if ctx.internal else [])]
    section.add(ctx.table(w["companies_title"], columns, rows, source=ctx.audit_source,
                          notes=[w["companies_note"]]))


def _sources(ctx, section, cmp, p0, p1, w) -> None:
    from ..ingest.kinds import all_kinds

    if not cmp.sources:
        section.add(Paragraph(w["sources_none"]))
        return
    kinds = all_kinds()
    what = {"vintage": w["vintage"], "new": w["kind_new"], "gone": w["kind_gone"],
            "updated": w["kind_updated"]}
    rows = [[label(kinds[r["kind"]].label if r["kind"] in kinds else r["kind"]), label(r["before"] or "—"),
             label(r["after"] or "—"), label(what[r["what"]])] for r in cmp.sources]
    section.add(ctx.table(w["sources_title"], [w["source"], p0, p1, w["what"]], rows, source="gtec"))
