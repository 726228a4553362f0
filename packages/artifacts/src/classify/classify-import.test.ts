import { describe, expect, it } from 'vitest';
import { classifyImport, normalisePath } from './classify-import.js';

const verdict = (m: string, n: string) => {
  const c = classifyImport(m, n);
  return `${c.verdict}:${c.severity ?? '-'}`;
};

describe('classifyImport', () => {
  it.each([
    ['os', 'system'],
    ['posix', 'system'],
    ['nt', 'spawnv'],
    ['subprocess', 'Popen'],
    ['commands', 'getoutput'],
    ['builtins', 'eval'],
    ['__builtin__', 'exec'],
    ['__builtins__', 'compile'],
    ['builtins', 'getattr'],
    ['builtins', '__import__'],
    ['importlib', 'import_module'],
    ['importlib.util', 'spec_from_file_location'],
    ['runpy', 'run_path'],
    ['pkgutil', 'resolve_name'],
    ['pydoc', 'locate'],
    ['operator', 'methodcaller'],
    ['_operator', 'attrgetter'],
    ['functools', 'partial'],
    ['marshal', 'loads'],
    ['pickle', 'loads'],
    ['cPickle', 'loads'],
    ['_pickle', 'loads'],
    ['torch', 'load'],
    ['torch.serialization', 'load'],
    ['numpy', 'load'],
    ['joblib', 'load'],
    ['sys', 'modules'],
    ['ctypes', 'CDLL'],
    ['shutil', 'rmtree'],
    ['asyncio.unix_events', '_UnixSubprocessTransport._start'],
    ['picklescan.scanner', 'scan_pickle_bytes'],
    ['copyreg', 'add_extension'],
  ])('%s.%s is critical', (m, n) => {
    expect(verdict(m, n)).toBe('dangerous:critical');
  });

  it.each([
    ['socket', 'create_connection'],
    ['urllib.request', 'urlopen'],
    ['urllib2', 'urlopen'],
    ['httplib', 'HTTPConnection'],
    ['requests.api', 'get'],
    ['ssl', 'get_server_certificate'],
    ['webbrowser', 'open'],
    ['tempfile', 'mkstemp'],
    ['_io', 'FileIO'],
    ['io', 'open'],
    ['logging', 'FileHandler'],
    ['zipfile', 'ZipFile'],
    ['threading', 'Thread'],
  ])('%s.%s is high', (m, n) => {
    expect(verdict(m, n)).toBe('dangerous:high');
  });

  it('walks dotted names as the protocol-4 unpickler does (attribute chains through harmless modules)', () => {
    expect(verdict('pathlib', 'os.system')).toBe('dangerous:critical');
    expect(verdict('collections', '__builtins__.eval')).toBe('dangerous:critical');
    expect(verdict('sklearn.tree._classes', 'DecisionTreeClassifier.__init__.__globals__')).toBe(
      'dangerous:high',
    );
    expect(classifyImport('pathlib', 'os.system').matched).toBe('os');
  });

  it('matches modules on dot boundaries only', () => {
    expect(verdict('ossaudiodev', 'open')).toBe('unlisted:medium');
    expect(verdict('system_info', 'x')).toBe('unlisted:medium');
    expect(verdict('os2emxpath', 'join')).toBe('unlisted:medium');
    expect(verdict('os.path', 'join')).toBe('dangerous:critical');
  });

  it('allows exactly the classes ordinary models use, and nothing next to them', () => {
    for (const [m, n] of [
      ['collections', 'OrderedDict'],
      ['numpy.core.multiarray', '_reconstruct'],
      ['numpy._core.multiarray', '_reconstruct'],
      ['numpy', 'dtype'],
      ['torch._utils', '_rebuild_tensor_v2'],
      ['torch', 'FloatStorage'],
      ['sklearn.ensemble._forest', 'RandomForestClassifier'],
      ['sklearn.tree._tree', 'Tree'],
      ['xgboost.sklearn', 'XGBClassifier'],
      ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
      ['__builtin__', 'set'],
      ['copy_reg', '_reconstructor'],
    ]) {
      expect(verdict(m as string, n as string), `${m}.${n}`).toBe('allowed:-');
    }
    expect(verdict('sklearn.ensemble._forest', 'RandomForestClassifierX')).toBe('unlisted:medium');
    expect(verdict('torch._utils', '_rebuild_tensor_v2.__globals__')).toBe('dangerous:high');
    expect(verdict('__main__', 'MyModel')).toBe('unlisted:medium');
    expect(verdict('torch.nn.modules.linear', 'Linear')).toBe('allowed:-');
  });

  it('treats cloudpickle, dill and code objects as embedded code', () => {
    expect(verdict('cloudpickle.cloudpickle', '_make_function')).toBe('embedded-code:high');
    expect(verdict('dill._dill', '_create_code')).toBe('embedded-code:high');
    expect(verdict('types', 'CodeType')).toBe('embedded-code:high');
    expect(verdict('dill', 'loads')).toBe('dangerous:critical');
  });

  it('is stricter in strict mode and accepts extra allowed paths', () => {
    expect(classifyImport('mypkg.models', 'Net', { strict: true }).severity).toBe('high');
    expect(
      classifyImport('mypkg.models', 'Net', { allow: new Set(['mypkg.models.Net']) }).verdict,
    ).toBe('allowed');
  });

  it('normalises Python 2 and accelerator module names', () => {
    expect(normalisePath('__builtin__.eval')).toBe('builtins.eval');
    expect(normalisePath('__builtin__.reduce')).toBe('functools.reduce');
    expect(normalisePath('urllib.urlretrieve')).toBe('urllib.request.urlretrieve');
    expect(normalisePath('test.test_support.x')).toBe('test.support.x');
  });
});
