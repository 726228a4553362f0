import {
  type CheckContext,
  defineCheck,
  InputError,
  type Json,
  type Location,
} from '@mlwarden/core';
import { type FairnessOptions, fairnessOptions } from './fairness-options.js';
import { DISPARITY_NAMES, type Disparities } from './group-disparities.js';
import {
  type FeatureFairness,
  type GroupFairnessResult,
  type Interval,
  measureGroupFairness,
} from './measure-group-fairness.js';

/** Group names listed in a message at most. */
const MAX_NAMED = 12;

const json = (v: number | null | undefined): Json =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;
const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : 'n/a');
const fmtInterval = (i: Interval | undefined, level: number) =>
  i === undefined ? '' : `; ${Math.round(level * 100)}% CI ${fmt(i[0])}–${fmt(i[1])}`;
const quote = (names: string[]) => {
  const shown = names.slice(0, MAX_NAMED).map((n) => `"${n}"`);
  return names.length > MAX_NAMED
    ? `${shown.join(', ')} and ${names.length - MAX_NAMED} more`
    : shown.join(', ');
};

function locationOf(uri: string, feature: FeatureFairness): Location {
  return feature.features.length === 1 ? { uri, column: feature.key } : { uri, field: feature.key };
}

function disparityJson(d: Disparities): Record<string, Json> {
  return Object.fromEntries(DISPARITY_NAMES.map((name) => [name, json(d[name])]));
}

function reportRowProblems(
  ctx: CheckContext<FairnessOptions>,
  result: GroupFairnessResult,
  uri: string,
) {
  const { rows } = result;
  const options = ctx.options;
  const missing: string[] = [];
  if (rows.missingLabel > 0) missing.push(`${rows.missingLabel} without a label`);
  if (rows.missingPrediction > 0) {
    missing.push(
      `${rows.missingPrediction} without a ${options.prediction ? 'prediction' : 'score'}`,
    );
  }
  if (missing.length > 0) {
    ctx.report({
      rule: 'missing-values',
      severity: 'low',
      message: `${missing.join(' and ')} of ${rows.total} rows; they are left out of the fairness metrics`,
      location: { uri },
      evidence: { ...rows },
      remediation:
        'Find out why outcomes are missing; missingness that depends on the group biases every metric.',
    });
  }
  if (rows.nanScore > 0) {
    ctx.report({
      rule: 'invalid-scores',
      severity: 'medium',
      message: `${rows.nanScore} of ${rows.total} scores in "${options.score}" are NaN; those rows are left out`,
      location: { uri, column: options.score as string },
      evidence: { nanScores: rows.nanScore, rows: rows.total },
      remediation:
        'NaN scores come from a broken model or preprocessing step; fix it before judging fairness.',
    });
  }
  if (result.hasLabel && result.otherLabels.length > 1) {
    ctx.report({
      rule: 'multiclass-outcome',
      severity: 'info',
      message: `the label column "${options.label}" has several values besides the positive one (${quote(result.otherLabels)}…); all of them count as negative`,
      location: { uri, column: options.label as string },
    });
  }
  const used = rows.used;
  const what = options.prediction ? 'prediction' : `score at threshold ${options.threshold}`;
  if (result.positivePredictions === 0 || result.positivePredictions === used) {
    const all = result.positivePredictions === used;
    ctx.report({
      rule: 'constant-prediction',
      severity: 'medium',
      message: `every ${what} is ${all ? 'positive' : 'negative'}, so selection rates are equal by construction and parity metrics say nothing about the model`,
      location: { uri, column: (options.prediction ?? options.score) as string },
      evidence: { positivePredictions: result.positivePredictions, rows: used },
      remediation:
        'Check the threshold and the positiveLabel option, and that the right column is named.',
    });
  }
}

function judgeFeature(
  ctx: CheckContext<FairnessOptions>,
  feature: FeatureFairness,
  uri: string,
  level: number,
  hasLabel: boolean,
  singleReported: Set<string>,
) {
  const options = ctx.options;
  const location = locationOf(uri, feature);
  const groups = Object.entries(feature.groups);
  if (groups.length < 2) {
    if (feature.features.every((f) => !singleReported.has(f))) {
      feature.features.forEach((f) => {
        singleReported.add(f);
      });
      const [name, g] = groups[0] ?? ['', { count: 0 }];
      ctx.report({
        rule: 'single-group',
        severity: 'medium',
        message: `"${feature.key}" has a single group ("${name}", ${g.count} rows): disparities between groups cannot be measured`,
        location,
        remediation:
          'Check that the sensitive column is the intended one and that the data covers every group.',
      });
    }
    return;
  }
  const small = groups.filter(([, g]) => !g.judged).map(([name]) => name);
  if (small.length > 0) {
    ctx.report({
      rule: 'small-group',
      severity: 'info',
      key: feature.key,
      message: `${small.length} group${small.length > 1 ? 's' : ''} of "${feature.key}" ha${small.length > 1 ? 've' : 's'} fewer than ${options.minGroupSize} rows and ${small.length > 1 ? 'are' : 'is'} reported but not judged: ${quote(small)}`,
      location,
      evidence: {
        minGroupSize: options.minGroupSize,
        groups: Object.fromEntries(
          small.slice(0, 100).map((name) => [name, feature.groups[name]?.count ?? 0]),
        ),
      },
      remediation: 'Collect more data for these groups before drawing conclusions about them.',
    });
  }
  if (hasLabel) {
    const noPositives = groups
      .filter(([, g]) => g.judged && g.truePositiveRate === null)
      .map(([n]) => n);
    const noNegatives = groups
      .filter(([, g]) => g.judged && g.falsePositiveRate === null)
      .map(([n]) => n);
    if (noPositives.length + noNegatives.length > 0) {
      const parts = [
        ...(noPositives.length > 0
          ? [`no positive labels in ${quote(noPositives)} (true positive rate undefined)`]
          : []),
        ...(noNegatives.length > 0
          ? [`no negative labels in ${quote(noNegatives)} (false positive rate undefined)`]
          : []),
      ];
      ctx.report({
        rule: 'undefined-rate',
        severity: 'info',
        key: feature.key,
        message: `"${feature.key}": ${parts.join('; ')}; these groups are left out of the judged error-rate disparities (Fairlearn's values count the rate as 0)`,
        location,
      });
    }
  }
  const judged = feature.judged;
  const intervals = feature.judgedIntervals;
  if (judged.groups < 2) return;
  const rateList = (metric: 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate') =>
    groups
      .filter(([, g]) => g.judged && g[metric] !== null)
      .sort((a, b) => (a[1][metric] as number) - (b[1][metric] as number))
      .map(([name, g]) => `${name} ${fmt(g[metric] as number)}`);
  const extremes = (list: string[]) =>
    list.length <= 2 ? list.join(', ') : `${list[0]} … ${list[list.length - 1]}`;

  const checkDifference = (
    rule: string,
    name: 'demographicParityDifference' | 'equalizedOddsDifference' | 'equalOpportunityDifference',
    limit: number | null,
    describe: string,
    detail: string,
  ) => {
    const value = judged[name];
    if (limit === null || !(value > limit)) return;
    const interval = intervals?.[name];
    const clear = interval === undefined || interval[0] > limit;
    ctx.report({
      rule,
      ...(!clear && { severity: 'low' as const }),
      key: feature.key,
      message: `${describe} of "${feature.key}" differ by ${fmt(value)} (${detail}${fmtInterval(interval, level)}), above ${limit}${clear ? '' : `; not clearly above it at ${Math.round(level * 100)}% confidence`}`,
      location,
      evidence: {
        [name]: value,
        threshold: limit,
        ...(interval && { interval }),
        judgedGroups: judged.groups,
      },
      remediation:
        'Look for features that stand in for the sensitive attribute and for under-represented groups in the training data; reweigh, resample or post-process (e.g. group-specific thresholds) and measure again.',
    });
  };
  checkDifference(
    'demographic-parity',
    'demographicParityDifference',
    options.demographicParityDifference,
    'selection rates',
    extremes(rateList('selectionRate')),
  );
  if (hasLabel) {
    checkDifference(
      'equalized-odds',
      'equalizedOddsDifference',
      options.equalizedOddsDifference,
      'true or false positive rates',
      `TPR ${extremes(rateList('truePositiveRate'))}; FPR ${extremes(rateList('falsePositiveRate'))}`,
    );
    checkDifference(
      'equal-opportunity',
      'equalOpportunityDifference',
      options.equalOpportunityDifference,
      'true positive rates',
      extremes(rateList('truePositiveRate')),
    );
  }
  const limit = options.disparateImpact;
  const reference = feature.referenceGroup;
  if (limit !== null && reference !== undefined) {
    const best = feature.groups[reference]?.selectionRate ?? 0;
    for (const [name, g] of groups) {
      const impact = g.disparateImpact;
      if (impact === undefined || !(impact < limit)) continue;
      const interval = intervals?.[`disparateImpact:${name}`];
      const clear = interval === undefined || interval[1] < limit;
      ctx.report({
        rule: 'disparate-impact',
        severity: clear ? 'high' : 'low',
        key: `${feature.key}=${name}`,
        message: `selection rate of "${name}" (${fmt(g.selectionRate)}) is ${fmt(impact)} times that of "${reference}" (${fmt(best)}) in "${feature.key}", below the four-fifths rule's ${limit}${fmtInterval(interval, level)}${clear ? '' : `; not clearly below it at ${Math.round(level * 100)}% confidence`}`,
        location,
        evidence: {
          group: name,
          referenceGroup: reference,
          selectionRate: g.selectionRate,
          referenceSelectionRate: best,
          disparateImpact: impact,
          threshold: limit,
          count: g.count,
          ...(interval && { interval }),
        },
        remediation:
          'Adverse impact under the four-fifths rule: review the features and thresholds that drive selection for this group, and confirm with a significance test on more data.',
      });
    }
  }
}

export const fairnessGroupCheck = defineCheck({
  meta: {
    id: 'fairness.group',
    title: 'Group fairness',
    description:
      "Compares a classifier's selection rate and error rates across groups of one or more sensitive features and their intersection: Fairlearn's demographic parity, equalized odds and equal opportunity, the four-fifths rule, with bootstrap confidence intervals.",
    category: 'fairness',
    defaultSeverity: 'medium',
    taxonomy: { owasp: ['ML08'] },
    requires: ['dataset'],
    options: fairnessOptions,
    rules: {
      'demographic-parity': {
        title: 'Selection rates differ between groups',
        description: 'Demographic parity difference over judged groups above the threshold.',
        severity: 'medium',
      },
      'disparate-impact': {
        title: 'Four-fifths rule violated',
        description: "A judged group's selection rate is below 0.8 of the highest group's.",
        severity: 'high',
      },
      'equalized-odds': {
        title: 'Error rates differ between groups',
        description:
          'Equalized odds difference (TPR or FPR) over judged groups above the threshold.',
        severity: 'medium',
      },
      'equal-opportunity': {
        title: 'True positive rates differ between groups',
        description:
          'Equal opportunity difference over judged groups above the threshold (off by default).',
        severity: 'medium',
      },
      'single-group': {
        title: 'Only one group',
        description: 'A sensitive feature has a single value, so nothing can be compared.',
        severity: 'medium',
      },
      'small-group': {
        title: 'Groups too small to judge',
        description: 'Groups below minGroupSize are reported but not judged.',
        severity: 'info',
      },
      'undefined-rate': {
        title: 'Rate undefined for a group',
        description: 'A judged group has no positive (or no negative) labels.',
        severity: 'info',
      },
      'constant-prediction': {
        title: 'Constant predictions',
        description: 'Every prediction is positive (or every one negative).',
        severity: 'medium',
      },
      'missing-values': {
        title: 'Rows without outcomes',
        description: 'Rows with a null label, prediction or score are left out.',
        severity: 'low',
      },
      'invalid-scores': {
        title: 'NaN scores',
        description: 'Rows with a NaN score are left out.',
        severity: 'medium',
      },
      'multiclass-outcome': {
        title: 'More than two outcomes',
        description: 'Every value other than positiveLabel counts as negative (one-vs-rest).',
        severity: 'info',
      },
    },
    docs: 'docs/checks/fairness.group.md',
    timeoutMs: 1_800_000,
  },
  async run(ctx) {
    const options = ctx.options;
    const dataset = ctx.inputs.dataset;
    if (options.sensitive.length === 0) {
      ctx.skip('no sensitive features are configured (option `sensitive`)');
      return;
    }
    if (options.prediction === undefined && options.score === undefined) {
      ctx.skip(
        'neither a prediction nor a score column is configured (options `prediction`, `score`)',
      );
      return;
    }
    const result = await measureGroupFairness(dataset, {
      sensitive: options.sensitive,
      ...(options.label !== undefined && { label: options.label }),
      ...(options.prediction !== undefined && { prediction: options.prediction }),
      ...(options.score !== undefined &&
        options.prediction === undefined && { score: options.score }),
      threshold: options.threshold,
      positiveLabel: options.positiveLabel,
      minGroupSize: options.minGroupSize,
      maxGroups: options.maxGroups,
      maxRows: options.maxRows,
      bootstrap: options.bootstrap,
      confidenceLevel: options.confidenceLevel,
      seed: ctx.seed,
      signal: ctx.signal,
      onProgress: (done, total, label) => ctx.progress(done, total, label),
    });
    const uri = dataset.source;
    if (result.truncated) {
      ctx.incomplete(`only the first ${options.maxRows} rows were read (maxRows)`);
    }
    ctx.metric('sensitiveFeatures', [...options.sensitive]);
    ctx.metric('rows', {
      total: result.rows.total,
      used: result.rows.used,
      excluded: {
        missingLabel: result.rows.missingLabel,
        missingPrediction: result.rows.missingPrediction,
        nanScore: result.rows.nanScore,
      },
    });
    if (result.rows.used === 0) {
      throw new InputError(
        `${uri}: none of the ${result.rows.total} rows has both a label and a usable ${options.prediction ? 'prediction' : 'score'}`,
        { hint: 'check the column names and that the outcome columns are not all null or NaN' },
      );
    }
    if (result.hasLabel && result.positiveLabels === 0 && result.positivePredictions === 0) {
      throw new InputError(
        `${uri}: positiveLabel ${JSON.stringify(options.positiveLabel)} occurs neither in the label nor in the predictions (label values seen: ${quote(result.otherLabels)})`,
        { hint: 'set positiveLabel to the favourable outcome as it is written in the data' },
      );
    }
    reportRowProblems(ctx, result, uri);
    const level = options.confidenceLevel;
    const singleReported = new Set<string>();
    const disparities: Record<string, Json> = {};
    const judged: Record<string, Json> = {};
    const intervals: Record<string, Json> = {};
    const groups: Record<string, Json> = {};
    for (const feature of result.features) {
      judgeFeature(ctx, feature, uri, level, result.hasLabel, singleReported);
      disparities[feature.key] = disparityJson(feature.disparities);
      judged[feature.key] = {
        groups: feature.judged.groups,
        ...disparityJson(feature.judged),
        disparateImpact: json(feature.judged.disparateImpact),
      };
      if (feature.intervals) {
        intervals[feature.key] = Object.fromEntries(
          DISPARITY_NAMES.map((name) => {
            const [lo, hi] = (feature.intervals as Record<string, Interval>)[name] as Interval;
            return [name, [json(lo), json(hi)]];
          }),
        );
      }
      groups[feature.key] = Object.fromEntries(
        Object.entries(feature.groups).map(([name, g]) => [
          name,
          {
            count: g.count,
            selectionRate: json(g.selectionRate),
            accuracy: json(g.accuracy),
            truePositiveRate: json(g.truePositiveRate),
            falsePositiveRate: json(g.falsePositiveRate),
            falseNegativeRate: json(g.falseNegativeRate),
            precision: json(g.precision),
            judged: g.judged,
            ...(g.disparateImpact !== undefined && { disparateImpact: json(g.disparateImpact) }),
          },
        ]),
      );
    }
    ctx.metric('disparities', disparities);
    ctx.metric('judged', judged);
    if (result.bootstrap) {
      ctx.metric('confidenceIntervals', intervals);
      ctx.metric('bootstrap', { ...result.bootstrap });
    }
    ctx.metric('groups', groups);
  },
});
