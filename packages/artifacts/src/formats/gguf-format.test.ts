import { describe, expect, it } from 'vitest';
import { templateRisks } from './gguf-format.js';

const BENIGN = [
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}",
  "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ '[INST] ' + m['content'] | trim + ' [/INST]' }}{% elif m['role'] == 'assistant' %}{{ m['content'] + eos_token }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
  "{%- set loop_messages = messages -%}{%- for message in loop_messages -%}{{ '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' }}{%- endfor -%}{{- tools | tojson(indent=4) -}}",
];

describe('templateRisks', () => {
  it.each(BENIGN.map((t, i) => [i, t] as const))('accepts ordinary chat template %i', (_, t) => {
    expect(templateRisks(t)).toEqual([]);
  });
  it.each([
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ (lipsum|attr('\\x5f\\x5fglobals\\x5f\\x5f')) }}",
    '{{ self._TemplateReference__context }}',
    '{{ namespace.__init__ }}',
  ])('flags %s', (t) => {
    expect(templateRisks(t).length).toBeGreaterThan(0);
  });
});
