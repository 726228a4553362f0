import * as tf from '@tensorflow/tfjs';

/**
 * A scikit-learn LogisticRegression as a TensorFlow.js Layers model with the same probabilities:
 * softmax(x·Wᵀ + b) for several classes; for two classes sklearn's sigmoid(w·x + b), written as a
 * softmax over the logits ±(w·x + b)/2.
 */
export function logisticModel(coef: number[][], intercept: number[]): tf.LayersModel {
  const d = coef[0]?.length ?? 0;
  const binary = coef.length === 1;
  const k = binary ? 2 : coef.length;
  const kernel = new Float32Array(d * k);
  const bias = new Float32Array(k);
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      kernel[j * k + c] = binary
        ? ((c === 0 ? -1 : 1) * (coef[0]?.[j] as number)) / 2
        : (coef[c]?.[j] as number);
    }
  }
  for (let c = 0; c < k; c++) {
    bias[c] = binary
      ? ((c === 0 ? -1 : 1) * (intercept[0] as number)) / 2
      : (intercept[c] as number);
  }
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: k, activation: 'softmax', inputShape: [d] })],
  });
  model.setWeights([tf.tensor2d(kernel, [d, k]), tf.tensor1d(bias)]);
  return model;
}

export interface LayerSpec {
  type: 'dense' | 'conv2d' | 'flatten' | 'maxpool';
  units?: number;
  filters?: number;
  kernel?: number;
  size?: number;
  activation?: 'relu';
}

/** A small Keras-compatible Sequential model whose last layer outputs logits. */
export function sequentialModel(
  inputShape: number[],
  layers: LayerSpec[],
  classes: number,
  seed: number,
) {
  const model = tf.sequential();
  layers.forEach((spec, i) => {
    const first = i === 0 ? { inputShape } : {};
    const init = { kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }) };
    if (spec.type === 'dense') {
      model.add(
        tf.layers.dense({
          ...first,
          ...init,
          units: spec.units as number,
          activation: spec.activation ?? 'linear',
        }),
      );
    } else if (spec.type === 'conv2d') {
      model.add(
        tf.layers.conv2d({
          ...first,
          ...init,
          filters: spec.filters as number,
          kernelSize: spec.kernel as number,
          activation: spec.activation ?? 'linear',
        }),
      );
    } else if (spec.type === 'flatten') {
      model.add(tf.layers.flatten(first));
    } else {
      model.add(tf.layers.maxPooling2d({ ...first, poolSize: spec.size as number }));
    }
  });
  model.add(
    tf.layers.dense({
      units: classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }),
    }),
  );
  return model;
}

/** Trains a model on logits with sparse cross-entropy, deterministically for a fixed seed. */
export async function trainModel(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  n: number,
  shape: number[],
  options: { epochs: number; learningRate?: number; batchSize?: number },
): Promise<void> {
  const classes = (model.outputs[0]?.shape[1] as number) ?? 2;
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 0.01),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const xs = tf.tensor(x, [n, ...shape]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
  await model.fit(xs, ys, {
    epochs: options.epochs,
    batchSize: options.batchSize ?? 64,
    shuffle: false,
    verbose: 0,
    yieldEvery: 'never',
  });
  xs.dispose();
  ys.dispose();
}

/** The model's weights as flat arrays with shapes, for ART. */
export function weightsOf(model: tf.LayersModel): { data: Float32Array; shape: number[] }[] {
  return model.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape }));
}
