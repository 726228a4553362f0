import { type CheckContext, ConfigError } from '@mlwarden/core';
import { type FeatureMatrix, readFeatureMatrix } from './_feature-matrix.js';
import { jsonNumber, MAX_LOCATION_ROWS, percent, short } from './_format.js';
import { activationClustering } from './activation-clustering.js';
import type { BackdoorOptions } from './backdoor-options.js';
import { layerActivations } from './layer-activations.js';
import { spectralSignatures } from './spectral-signatures.js';

/** The rows of `m` whose values are all finite, and the dataset rows of the others. */
function finiteRows(m: FeatureMatrix): { matrix: FeatureMatrix; dropped: number[] } {
  const { n, d, x } = m;
  const keep: number[] = [];
  const dropped: number[] = [];
  for (let i = 0; i < n; i++) {
    let finite = true;
    for (let j = 0; j < d && finite; j++) finite = Number.isFinite(x[i * d + j] as number);
    if (finite) keep.push(i);
    else dropped.push(m.rows[i] as number);
  }
  if (dropped.length === 0) return { matrix: m, dropped };
  const kept = new Float64Array(keep.length * d);
  keep.forEach((i, t) => {
    kept.set(x.subarray(i * d, i * d + d), t * d);
  });
  return {
    matrix: {
      ...m,
      n: keep.length,
      x: kept,
      rows: Int32Array.from(keep, (i) => m.rows[i] as number),
      ...(m.y !== undefined && {
        y: Int32Array.from(keep, (i) => (m.y as Int32Array)[i] as number),
      }),
    },
    dropped,
  };
}

/**
 * Spectral signatures and activation clustering of `poisoning.backdoor`, on embedding columns or
 * on the activations of a TensorFlow.js model layer.
 */
export async function analyseRepresentations(
  ctx: CheckContext<BackdoorOptions>,
  label: string,
): Promise<void> {
  const options = ctx.options;
  const dataset = ctx.inputs.dataset;
  const uri = dataset.source;
  if (options.model !== undefined && options.embeddings.length > 0) {
    throw new ConfigError(
      'poisoning.backdoor: options `embeddings` and `model` both name representations; give one',
      {
        hint: 'use `embeddings` for activation columns already in the data, `model` to compute them',
      },
    );
  }
  let raw: FeatureMatrix;
  let what: string;
  let representation: Record<string, string | number | string[]>;
  if (options.model !== undefined) {
    const model = options.model;
    const inputs = await readFeatureMatrix(dataset, {
      label,
      ...(model.features !== undefined
        ? { features: model.features }
        : { exclude: options.exclude }),
      maxRows: options.maxRows,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, dataset.numRows, 'reading model inputs'),
    });
    const activations = await layerActivations(inputs, {
      path: model.path,
      layer: model.layer,
      batchSize: model.batchSize,
      maxWeightBytes: model.maxWeightBytes,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, inputs.n, `activations of layer ${model.layer}`),
    });
    raw = activations.matrix;
    what = `the ${raw.d} activations of layer "${model.layer}"`;
    representation = {
      source: 'model',
      layer: model.layer,
      inputs: inputs.features,
      backend: activations.backend,
    };
    if (Object.keys(inputs.imputed).length > 0)
      representation.imputedInputs = Object.keys(inputs.imputed);
  } else {
    raw = await readFeatureMatrix(dataset, {
      label,
      features: options.embeddings,
      maxRows: options.maxRows,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, dataset.numRows, 'reading embeddings'),
    });
    what = `${raw.d} embedding columns`;
    representation = { source: 'columns', columns: options.embeddings };
  }
  const { matrix, dropped } = finiteRows(raw);
  ctx.metric('representation', {
    ...representation,
    width: raw.d,
    rows: matrix.n,
    nonFiniteRows: dropped.length,
  });
  if (dropped.length > 0) {
    ctx.report({
      rule: 'non-finite-activations',
      severity: 'medium',
      key: 'non-finite',
      message: `${dropped.length} rows give NaN or infinite values in ${what}; they were left out of the analysis`,
      location: { uri, rows: dropped.slice(0, MAX_LOCATION_ROWS) },
      evidence: { rows: dropped.length },
    });
  }

  const signatures = spectralSignatures(matrix, {
    maxClusterShare: options.maxClusterShare,
    minSeparation: options.minSeparation,
    seed: ctx.seed,
    signal: ctx.signal,
  });
  ctx.metric(
    'spectral',
    Object.fromEntries(
      signatures.map((s) => [
        s.label,
        {
          rows: s.rows,
          clusterShare: s.clusterShare,
          separation: jsonNumber(s.separation),
          flagged: s.flagged,
        },
      ]),
    ),
  );
  for (const s of signatures) {
    if (!s.flagged) continue;
    const rows = s.suspicious.map((i) => matrix.rows[i] as number);
    ctx.report({
      rule: 'spectral-signature',
      severity: 'high',
      key: s.label,
      message: `${s.suspicious.length} of the ${s.rows} rows labelled "${s.label}" (${percent(s.clusterShare)}) form a separate cluster along the top singular vector of ${what} (separation ${short(s.separation)})`,
      location: { uri, column: label, rows: rows.slice(0, MAX_LOCATION_ROWS) },
      evidence: {
        label: s.label,
        clusterRows: s.suspicious.length,
        classRows: s.rows,
        separation: s.separation,
      },
    });
  }

  const clustering = options.clustering;
  if (!clustering.enabled) return;
  const result = activationClustering(matrix, {
    dims: clustering.dims,
    clusters: clustering.clusters,
    method: clustering.method,
    sizeThreshold: clustering.sizeThreshold,
    silhouetteThreshold: clustering.silhouetteThreshold,
    minClusterRows: clustering.minClusterRows,
    restarts: clustering.restarts,
    seed: ctx.seed,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total, 'activation clustering (classes)'),
  });
  ctx.metric(
    'activationClustering',
    Object.fromEntries(
      result.classes.map((c) => [
        c.label,
        {
          rows: c.rows,
          clusterSizes: c.clusterSizes,
          silhouette: c.silhouette === null ? null : jsonNumber(c.silhouette),
          flagged: c.flagged,
          suspiciousRows: c.suspicious.length,
          ...(c.skipped !== undefined && { skipped: c.skipped }),
        },
      ]),
    ),
  );
  const suspicious = result.classes
    .flatMap((c) =>
      c.suspicious.map((i, t) => ({
        row: matrix.rows[i] as number,
        label: c.label,
        score: c.scores[t] as number,
      })),
    )
    .sort((a, b) => b.score - a.score || a.row - b.row);
  ctx.metric('suspiciousRows', suspicious.slice(0, options.maxReportedRows));
  const reduced = result.dims < matrix.d ? `${result.dims} principal components of ` : '';
  for (const c of result.classes) {
    if (!c.flagged) continue;
    const rows = c.suspicious.map((i) => matrix.rows[i] as number);
    const share = c.suspicious.length / c.rows;
    ctx.report({
      rule: 'activation-cluster',
      severity: 'high',
      key: c.label,
      message: `${c.suspicious.length} of the ${c.rows} rows labelled "${c.label}" (${percent(share)}) fall in a small cluster when k-means splits ${reduced}${what} into ${c.clusterSizes.length} (cluster sizes ${c.clusterSizes.join(' / ')}, silhouette ${short(c.silhouette ?? Number.NaN)})`,
      location: { uri, column: label, rows: rows.slice(0, MAX_LOCATION_ROWS) },
      evidence: {
        label: c.label,
        clusterRows: c.suspicious.length,
        classRows: c.rows,
        clusterSizes: c.clusterSizes,
        silhouette: c.silhouette,
        method: clustering.method,
        sizeThreshold: clustering.sizeThreshold,
        dims: result.dims,
      },
    });
  }
}
