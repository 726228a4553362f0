/**
 * Tables behind `classifyImport`. Keys are dotted paths; a deny key matches the path itself and
 * everything below it on a dot boundary (`os` matches `os.path.join`, not `ossaudiodev`).
 */
import type { Severity } from '@mlwarden/core';

export type DangerCategory =
  | 'execution'
  | 'import-trampoline'
  | 'nested-loader'
  | 'network'
  | 'filesystem'
  | 'process-state'
  | 'scanner-tampering'
  | 'embedded-code';

export interface DenyRule {
  severity: Severity;
  category: DangerCategory;
  why: string;
}

/**
 * Module aliases applied before matching: Python 2 names that CPython's unpickler maps to Python 3
 * modules (`_compat_pickle.IMPORT_MAPPING`), and C accelerator modules that expose the same
 * functions as their public twin.
 */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  __builtins__: 'builtins',
  exceptions: 'builtins',
  _pickle: 'pickle',
  cPickle: 'pickle',
  posix: 'os',
  nt: 'os',
  _operator: 'operator',
  _io: 'io',
  _asyncio: 'asyncio',
  _functools: 'functools',
  _collections: 'collections',
  _socket: 'socket',
  _ssl: 'ssl',
  _signal: 'signal',
  _sqlite3: 'sqlite3',
  copy_reg: 'copyreg',
  Queue: 'queue',
  SocketServer: 'socketserver',
  ConfigParser: 'configparser',
  repr: 'reprlib',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  xmlrpclib: 'xmlrpc.client',
  SimpleXMLRPCServer: 'xmlrpc.server',
  DocXMLRPCServer: 'xmlrpc.server',
  httplib: 'http.client',
  htmlentitydefs: 'html.entities',
  HTMLParser: 'html.parser',
  Cookie: 'http.cookies',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  'test.test_support': 'test.support',
  commands: 'subprocess',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  urllib2: 'urllib.request',
  anydbm: 'dbm',
  whichdb: 'dbm',
  dbhash: 'dbm.bsd',
  dumbdbm: 'dbm.dumb',
  gdbm: 'dbm.gnu',
  _abcoll: 'collections.abc',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  StringIO: 'io',
  cStringIO: 'io',
  _winreg: 'winreg',
  Tkinter: 'tkinter',
};

/** `(module, name)` pairs CPython's unpickler renames (`_compat_pickle.NAME_MAPPING`, the risky ones). */
export const NAME_ALIASES: Readonly<Record<string, string>> = {
  '__builtin__.reduce': 'functools.reduce',
  '__builtin__.intern': 'sys.intern',
  '__builtin__.xrange': 'builtins.range',
  '__builtin__.unichr': 'builtins.chr',
  '__builtin__.unicode': 'builtins.str',
  '__builtin__.long': 'builtins.int',
  '__builtin__.basestring': 'builtins.str',
  'itertools.izip': 'builtins.zip',
  'itertools.imap': 'builtins.map',
  'itertools.ifilter': 'builtins.filter',
  '_socket.fromfd': 'socket.fromfd',
  '_multiprocessing.Connection': 'multiprocessing.connection.Connection',
  'multiprocessing.process.Process': 'multiprocessing.context.Process',
  'multiprocessing.forking.Popen': 'multiprocessing.popen_fork.Popen',
  'urllib.urlopen': 'urllib.request.urlopen',
  'urllib.urlretrieve': 'urllib.request.urlretrieve',
  'urllib.getproxies': 'urllib.request.getproxies',
  'urllib.urlcleanup': 'urllib.request.urlcleanup',
  'urllib.pathname2url': 'urllib.request.pathname2url',
  'urllib.url2pathname': 'urllib.request.url2pathname',
};

const EXEC = (why: string): DenyRule => ({ severity: 'critical', category: 'execution', why });
const TRAMPOLINE = (why: string): DenyRule => ({
  severity: 'critical',
  category: 'import-trampoline',
  why,
});
const LOADER = (why: string): DenyRule => ({
  severity: 'critical',
  category: 'nested-loader',
  why,
});
const NET = (why: string): DenyRule => ({ severity: 'high', category: 'network', why });
const FS = (why: string): DenyRule => ({ severity: 'high', category: 'filesystem', why });
const STATE = (why: string): DenyRule => ({ severity: 'high', category: 'process-state', why });
const CODE = (why: string): DenyRule => ({ severity: 'high', category: 'embedded-code', why });

function many(keys: string, rule: DenyRule): [string, DenyRule][] {
  return keys
    .split(/\s+/)
    .filter((k) => k.length > 0)
    .map((k) => [k, rule]);
}

/** Dangerous modules (whole, with submodules) and callables. */
export const DENY: ReadonlyMap<string, DenyRule> = new Map<string, DenyRule>([
  ...many(
    'os subprocess _posixsubprocess pty runpy code codeop pdb bdb trace timeit cProfile profile doctest idlelib lib2to3 pydoc test _osx_support _aix_support _pyrepl _interpreters _xxsubinterpreters interpreters multiprocessing _multiprocessing concurrent.futures.process pip ensurepip venv setuptools distutils.spawn sys ctypes _ctypes cffi _winapi winreg msvcrt asyncio shutil commands platform.popen popen2 spawn pexpect',
    EXEC('runs commands, code or native libraries'),
  ),
  ...many(
    'importlib _imp imp zipimport pkgutil _frozen_importlib _frozen_importlib_external marshal builtins.__import__ builtins.getattr builtins.setattr builtins.delattr builtins.globals builtins.locals builtins.vars builtins.reload operator.attrgetter operator.itemgetter operator.methodcaller functools.partial functools.partialmethod functools.reduce functools.singledispatch copyreg.add_extension copyreg._inverted_registry copyreg._extension_registry',
    TRAMPOLINE(
      'turns strings into callables or reaches arbitrary attributes, so any name can be called',
    ),
  ),
  ...many(
    'builtins.eval builtins.exec builtins.execfile builtins.compile builtins.breakpoint builtins.input builtins.help builtins.exit builtins.quit builtins.memoryview builtins.apply',
    EXEC('evaluates code or takes over the interpreter'),
  ),
  ...many(
    'pickle dill.load dill.loads shelve torch.load torch.serialization torch.storage._load_from_bytes torch.package torch.hub torch.jit torch.compile torch._dynamo torch._inductor torch.utils.bottleneck torch.utils.collect_env torch.utils._config_module torch.utils.cpp_extension torch.utils.data.datapipes torch.fx.experimental.symbolic_shapes torch.distributed numpy.load numpy.lib.npyio numpy.lib._npyio_impl numpy.lib.format.read_array numpy.ctypeslib numpy.f2py numpy.distutils numpy.testing joblib.load joblib.numpy_pickle.load joblib.numpy_pickle_compat.load pandas.read_pickle pandas.io.pickle keras.models.load_model keras.saving keras.src.saving tensorflow.keras.models.load_model tf_keras.models.load_model sklearn.utils._testing',
    LOADER('loads another pickle or runs code from a file or string'),
  ),
  ...many(
    'imaplib.IMAP4_stream uuid._get_command_stdout uuid._popen',
    EXEC('known gadget that runs a shell command'),
  ),
  ...many('picklescan modelscan fickling modelaudit mlwarden model_unpickler saferpickle', {
    severity: 'critical',
    category: 'scanner-tampering',
    why: 'imports a model scanner, the way an attacker would tamper with it',
  }),
  ...many(
    'socket socketserver ssl http urllib urllib3 requests aiohttp httpx webbrowser smtplib ftplib poplib imaplib telnetlib nntplib xmlrpc select selectors asyncore asynchat paramiko',
    NET('opens network connections'),
  ),
  ...many(
    'tempfile distutils tarfile zipfile dbm sqlite3 mmap logging syslog glob fileinput linecache compileall py_compile pipes filecmp io.open io.FileIO io.open_code codecs.open builtins.open builtins.file pathlib.Path.write_text pathlib.Path.write_bytes pathlib.Path.read_text pathlib.Path.read_bytes pathlib.Path.open pathlib.Path.unlink pathlib.Path.rename pathlib.Path.replace pathlib.Path.rmdir pathlib.Path.mkdir pathlib.Path.touch pathlib.Path.symlink_to pathlib.Path.hardlink_to pathlib.Path.chmod',
    FS('reads or writes files'),
  ),
  ...many(
    'signal threading _thread atexit gc site inspect platform resource fcntl faulthandler sysconfig unittest copyreg.pickle copyreg.constructor',
    STATE('changes interpreter or process state, or runs code as a side effect'),
  ),
  ...many(
    'cloudpickle dill types.CodeType types.FunctionType types.LambdaType types.MethodType types.CellType types.ModuleType builtins.function builtins.code',
    CODE('rebuilds Python functions or classes from bytecode stored in the file'),
  ),
]);

/**
 * Exactly these `module.name` paths are allowed: what ordinary numpy, scikit-learn, PyTorch,
 * XGBoost and joblib models import when pickled. Paths, not prefixes.
 */
export const ALLOW: ReadonlySet<string> = new Set(
  `
builtins.object builtins.int builtins.float builtins.complex builtins.str builtins.bytes
builtins.bytearray builtins.bool builtins.list builtins.tuple builtins.dict builtins.set
builtins.frozenset builtins.range builtins.slice builtins.NoneType builtins.Ellipsis
collections.OrderedDict collections.defaultdict collections.Counter collections.deque
copyreg._reconstructor copyreg.__newobj__ copyreg.__newobj_ex__ codecs.encode _codecs.encode
datetime.datetime datetime.date datetime.time datetime.timedelta datetime.timezone
decimal.Decimal fractions.Fraction uuid.UUID io.BytesIO

numpy.dtype numpy.ndarray numpy.core.multiarray._reconstruct numpy._core.multiarray._reconstruct
numpy.core.multiarray.scalar numpy._core.multiarray.scalar numpy.core.numeric._frombuffer
numpy._core.numeric._frombuffer numpy.ma.core._mareconstruct numpy.ma.core.MaskedArray
numpy.random._pickle.__randomstate_ctor numpy.random._pickle.__bit_generator_ctor
numpy.random._pickle.__generator_ctor numpy.random._pickle._RandomState_ctor
numpy.random.bit_generator.__pyx_unpickle_SeedSequence
numpy.random.mtrand.RandomState numpy.random.mtrand._rand numpy.random._generator.Generator
numpy.random._mt19937.MT19937 numpy.random._pcg64.PCG64 numpy.random._pcg64.PCG64DXSM
numpy.random._philox.Philox numpy.random._sfc64.SFC64 numpy.random.bit_generator.SeedSequence
numpy.float16 numpy.float32 numpy.float64 numpy.int8 numpy.int16 numpy.int32 numpy.int64
numpy.uint8 numpy.uint16 numpy.uint32 numpy.uint64 numpy.bool_ numpy.complex64 numpy.complex128
numpy.str_ numpy.bytes_ numpy.object_ numpy.datetime64 numpy.timedelta64
numpy.dtypes.Float16DType numpy.dtypes.Float32DType numpy.dtypes.Float64DType
numpy.dtypes.Int8DType numpy.dtypes.Int16DType numpy.dtypes.Int32DType numpy.dtypes.Int64DType
numpy.dtypes.UInt8DType numpy.dtypes.UInt16DType numpy.dtypes.UInt32DType numpy.dtypes.UInt64DType
numpy.dtypes.BoolDType numpy.dtypes.ObjectDType numpy.dtypes.StrDType numpy.dtypes.BytesDType
numpy.dtypes.Complex64DType numpy.dtypes.Complex128DType numpy.dtypes.VoidDType

joblib.numpy_pickle.NumpyArrayWrapper joblib.numpy_pickle_compat.NDArrayWrapper
joblib.numpy_pickle_compat.ZNDArrayWrapper

torch._utils._rebuild_tensor torch._utils._rebuild_tensor_v2 torch._utils._rebuild_tensor_v3
torch._utils._rebuild_parameter torch._utils._rebuild_parameter_with_state
torch._utils._rebuild_qtensor torch._utils._rebuild_device_tensor_from_numpy
torch._utils._rebuild_meta_tensor_no_storage torch._utils._rebuild_wrapper_subclass
torch._tensor._rebuild_from_type torch._tensor._rebuild_from_type_v2 torch.Tensor
torch.nn.parameter.Parameter torch.nn.parameter.Buffer torch.Size torch.device torch.dtype
torch.float16 torch.float32 torch.float64 torch.bfloat16 torch.int8 torch.int16 torch.int32
torch.int64 torch.uint8 torch.bool torch.complex64 torch.complex128 torch.half torch.float
torch.double torch.long torch.int torch.short torch.strided torch.sparse_coo torch.contiguous_format
torch.channels_last torch.preserve_format torch.storage.UntypedStorage torch.storage.TypedStorage
torch.UntypedStorage torch.FloatStorage torch.DoubleStorage torch.HalfStorage torch.BFloat16Storage
torch.LongStorage torch.IntStorage torch.ShortStorage torch.CharStorage torch.ByteStorage
torch.BoolStorage torch.ComplexFloatStorage torch.ComplexDoubleStorage torch.QUInt8Storage
torch.QInt8Storage torch.QInt32Storage torch.QUInt4x2Storage torch.QUInt2x4Storage
torch.nn.modules.container.Sequential torch.nn.modules.container.ModuleList
torch.nn.modules.container.ModuleDict torch.nn.modules.container.ParameterList
torch.nn.modules.container.ParameterDict
torch.nn.modules.linear.Linear torch.nn.modules.linear.Identity torch.nn.modules.linear.Bilinear
torch.nn.modules.linear.LazyLinear
torch.nn.modules.conv.Conv1d torch.nn.modules.conv.Conv2d torch.nn.modules.conv.Conv3d
torch.nn.modules.conv.ConvTranspose1d torch.nn.modules.conv.ConvTranspose2d
torch.nn.modules.conv.ConvTranspose3d
torch.nn.modules.pooling.MaxPool1d torch.nn.modules.pooling.MaxPool2d torch.nn.modules.pooling.MaxPool3d
torch.nn.modules.pooling.AvgPool1d torch.nn.modules.pooling.AvgPool2d torch.nn.modules.pooling.AvgPool3d
torch.nn.modules.pooling.AdaptiveAvgPool1d torch.nn.modules.pooling.AdaptiveAvgPool2d
torch.nn.modules.pooling.AdaptiveMaxPool2d
torch.nn.modules.batchnorm.BatchNorm1d torch.nn.modules.batchnorm.BatchNorm2d
torch.nn.modules.batchnorm.BatchNorm3d torch.nn.modules.normalization.LayerNorm
torch.nn.modules.normalization.GroupNorm torch.nn.modules.instancenorm.InstanceNorm2d
torch.nn.modules.activation.ReLU torch.nn.modules.activation.ReLU6 torch.nn.modules.activation.LeakyReLU
torch.nn.modules.activation.Sigmoid torch.nn.modules.activation.Tanh torch.nn.modules.activation.GELU
torch.nn.modules.activation.SiLU torch.nn.modules.activation.ELU torch.nn.modules.activation.Softmax
torch.nn.modules.activation.LogSoftmax torch.nn.modules.activation.Softplus
torch.nn.modules.activation.MultiheadAttention torch.nn.modules.activation.PReLU
torch.nn.modules.activation.Hardtanh torch.nn.modules.activation.Mish
torch.nn.modules.dropout.Dropout torch.nn.modules.dropout.Dropout2d torch.nn.modules.flatten.Flatten
torch.nn.modules.flatten.Unflatten torch.nn.modules.sparse.Embedding torch.nn.modules.sparse.EmbeddingBag
torch.nn.modules.rnn.LSTM torch.nn.modules.rnn.GRU torch.nn.modules.rnn.RNN
torch.nn.modules.transformer.Transformer torch.nn.modules.transformer.TransformerEncoder
torch.nn.modules.transformer.TransformerEncoderLayer torch.nn.modules.transformer.TransformerDecoder
torch.nn.modules.transformer.TransformerDecoderLayer torch.nn.modules.linear.NonDynamicallyQuantizableLinear
torch.nn.modules.loss.CrossEntropyLoss torch.nn.modules.loss.MSELoss torch.nn.modules.loss.BCELoss
torch.nn.modules.loss.BCEWithLogitsLoss torch.nn.modules.loss.NLLLoss torch.nn.modules.loss.L1Loss
torch.nn.modules.upsampling.Upsample torch.nn.modules.padding.ZeroPad2d

xgboost.core.Booster xgboost.sklearn.XGBClassifier xgboost.sklearn.XGBRegressor
xgboost.sklearn.XGBRanker xgboost.sklearn.XGBRFClassifier xgboost.sklearn.XGBRFRegressor
xgboost.sklearn.XGBModel
`
    .split(/\s+/)
    .filter((s) => s.length > 0),
);

/**
 * scikit-learn classes allowed by exact path. Estimators and their fitted helpers as they appear
 * in pickles of scikit-learn 1.x; extended from the benign corpus, never by prefix.
 */
export const ALLOW_SKLEARN: ReadonlySet<string> = new Set(
  `
linear_model._logistic.LogisticRegression linear_model._base.LinearRegression
linear_model._ridge.Ridge linear_model._ridge.RidgeClassifier linear_model._coordinate_descent.Lasso
linear_model._coordinate_descent.ElasticNet linear_model._stochastic_gradient.SGDClassifier
linear_model._stochastic_gradient.SGDRegressor linear_model._perceptron.Perceptron
ensemble._forest.RandomForestClassifier ensemble._forest.RandomForestRegressor
ensemble._forest.ExtraTreesClassifier ensemble._forest.ExtraTreesRegressor
ensemble._gb.GradientBoostingClassifier ensemble._gb.GradientBoostingRegressor
ensemble._iforest.IsolationForest ensemble._weight_boosting.AdaBoostClassifier
ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier
ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor
ensemble._hist_gradient_boosting.predictor.TreePredictor
ensemble._hist_gradient_boosting.binning._BinMapper
ensemble._voting.VotingClassifier ensemble._bagging.BaggingClassifier
ensemble._gb._InitialEstimator
tree._classes.DecisionTreeClassifier tree._classes.DecisionTreeRegressor
tree._classes.ExtraTreeClassifier tree._classes.ExtraTreeRegressor tree._tree.Tree
svm._classes.SVC svm._classes.SVR svm._classes.LinearSVC svm._classes.LinearSVR svm._classes.NuSVC
svm._classes.OneClassSVM
neighbors._classification.KNeighborsClassifier neighbors._regression.KNeighborsRegressor
neighbors._kd_tree.KDTree neighbors._ball_tree.BallTree neighbors._unsupervised.NearestNeighbors
naive_bayes.GaussianNB naive_bayes.MultinomialNB naive_bayes.BernoulliNB
cluster._kmeans.KMeans cluster._kmeans.MiniBatchKMeans cluster._dbscan.DBSCAN
decomposition._pca.PCA decomposition._truncated_svd.TruncatedSVD
preprocessing._data.StandardScaler preprocessing._data.MinMaxScaler preprocessing._data.RobustScaler
preprocessing._data.MaxAbsScaler preprocessing._data.Normalizer preprocessing._label.LabelEncoder
preprocessing._label.LabelBinarizer preprocessing._encoders.OneHotEncoder
preprocessing._encoders.OrdinalEncoder preprocessing._polynomial.PolynomialFeatures
preprocessing._discretization.KBinsDiscretizer impute._base.SimpleImputer
pipeline.Pipeline pipeline.FeatureUnion compose._column_transformer.ColumnTransformer
compose._column_transformer._RemainderColsList
feature_extraction.text.CountVectorizer feature_extraction.text.TfidfVectorizer
feature_extraction.text.TfidfTransformer feature_selection._univariate_selection.SelectKBest
dummy.DummyClassifier dummy.DummyRegressor calibration.CalibratedClassifierCV
calibration._CalibratedClassifier calibration._SigmoidCalibration
model_selection._search.GridSearchCV
_loss.loss.HalfBinomialLoss _loss.loss.HalfMultinomialLoss _loss.loss.HalfSquaredError
_loss.loss.AbsoluteError _loss.loss.HalfPoissonLoss _loss.loss.ExponentialLoss
_loss.link.LogitLink _loss.link.IdentityLink _loss.link.MultinomialLogit _loss.link.LogLink
_loss.link.Interval _loss._loss.CyHalfBinomialLoss _loss._loss.CyHalfMultinomialLoss
_loss._loss.CyHalfSquaredError _loss._loss.CyAbsoluteError _loss._loss.CyExponentialLoss
utils._bunch.Bunch
`
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map((s) => `sklearn.${s}`),
);
