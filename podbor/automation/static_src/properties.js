// The "Podbor" group of the properties panel: the catalogue operator of a service task with one typed input per
// parameter, and the properties of a user task (title, kind, due in, checklist, assignee). Both write the
// SpiffWorkflow extension elements the engine reads (see spiffworkflow.json).

import { h } from '@bpmn-io/properties-panel/preact';
import {
  CheckboxEntry,
  Group,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { inputError, literalOf, toInput, toStored } from './literals.js';

const OPERATOR = 'spiffworkflow:ServiceTaskOperator';
const PROPERTIES = 'spiffworkflow:Properties';
const USER_TASK_PROPERTIES = ['title', 'kind', 'due_in', 'checklist', 'assignee'];
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?$/;

// --- reading and writing the extension elements ------------------------------------------------------------

function extensionValues(bo) {
  const extensions = bo.get('extensionElements');
  return (extensions && extensions.get('values')) || [];
}

function findExtension(bo, type) {
  return extensionValues(bo).find((value) => is(value, type));
}

/** Put `replacement` (or nothing) in place of the element's extension of `type`: one undoable command. */
function replaceExtension(element, type, replacement, { modeling, bpmnFactory }) {
  const bo = getBusinessObject(element);
  let extensions = bo.get('extensionElements');
  const others = extensionValues(bo).filter((value) => !is(value, type));
  const values = replacement ? [...others, replacement] : others;
  if (extensions) {
    if (replacement) {
      replacement.$parent = extensions;
    }
    modeling.updateModdleProperties(element, extensions, { values });
    return;
  }
  if (!replacement) {
    return;
  }
  extensions = bpmnFactory.create('bpmn:ExtensionElements', { values });
  extensions.$parent = bo;
  replacement.$parent = extensions;
  modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
}

export function operatorState(bo) {
  const operator = findExtension(bo, OPERATOR);
  if (!operator) {
    return null;
  }
  const params = {};
  const list = operator.get('parameterList');
  ((list && list.get('parameters')) || []).forEach((parameter) => {
    params[parameter.get('id')] = { type: parameter.get('type'), value: parameter.get('value') };
  });
  return { name: operator.get('id'), resultVariable: operator.get('resultVariable'), params };
}

function writeOperator(element, state, operatorSpec, services) {
  const { bpmnFactory } = services;
  let replacement = null;
  if (state && state.name) {
    // Catalogue order first, then anything the diagram had that the catalogue does not know (kept, not lost).
    const known = (operatorSpec ? operatorSpec.params : []).map((param) => param.name);
    const names = [...known, ...Object.keys(state.params).filter((name) => !known.includes(name))];
    const parameters = names
      .filter((name) => state.params[name] && state.params[name].value !== undefined)
      .map((name) => bpmnFactory.create('spiffworkflow:Parameter', {
        id: name, type: state.params[name].type || 'any', value: state.params[name].value,
      }));
    const list = bpmnFactory.create('spiffworkflow:Parameters', { parameters });
    parameters.forEach((parameter) => { parameter.$parent = list; });
    replacement = bpmnFactory.create(OPERATOR, {
      id: state.name, resultVariable: state.resultVariable || undefined, parameterList: list,
    });
    list.$parent = replacement;
  }
  replaceExtension(element, OPERATOR, replacement, services);
}

export function propertiesState(bo) {
  const container = findExtension(bo, PROPERTIES);
  const values = {};
  ((container && container.get('properties')) || []).forEach((property) => {
    values[property.get('name')] = property.get('value');
  });
  return values;
}

function writeProperty(element, name, value, services) {
  const { bpmnFactory } = services;
  const values = { ...propertiesState(getBusinessObject(element)) };
  if (value === undefined || value === null || value === '') {
    delete values[name];
  } else {
    values[name] = value;
  }
  const names = [...USER_TASK_PROPERTIES.filter((key) => key in values),
    ...Object.keys(values).filter((key) => !USER_TASK_PROPERTIES.includes(key))];
  let replacement = null;
  if (names.length) {
    const properties = names.map((key) => bpmnFactory.create('spiffworkflow:Property', { name: key, value: values[key] }));
    replacement = bpmnFactory.create(PROPERTIES, { properties });
    properties.forEach((property) => { property.$parent = replacement; });
  }
  replaceExtension(element, PROPERTIES, replacement, services);
}

// --- the entries -------------------------------------------------------------------------------------------

function useWriters() {
  return { modeling: useService('modeling'), bpmnFactory: useService('bpmnFactory') };
}

function localized(item, key, lang) {
  return (item && (item[`${key}_${lang}`] || item[`${key}_en`] || item[key])) || '';
}

function OperatorEntry({ element, id, config }) {
  const services = useWriters();
  const debounce = useService('debounceInput');
  const { catalogue, texts, lang } = config;
  const bo = getBusinessObject(element);
  const state = operatorState(bo);
  const spec = state && catalogue.find((op) => op.name === state.name);
  return h(SelectEntry, {
    element, id, debounce,
    label: texts.operator,
    description: spec ? [localized(spec, 'help', lang), texts.expressionHelp].filter(Boolean).join(' ')
      : texts.operatorHelp,
    getValue: () => (state ? state.name : ''),
    getOptions: () => {
      const options = [{ value: '', label: texts.noOperator }];
      catalogue.forEach((op) => options.push({ value: op.name, label: localized(op, 'label', lang) || op.name }));
      if (state && !spec) {
        options.push({ value: state.name, label: `${state.name} (?)` });
      }
      return options;
    },
    setValue: (name) => {
      if (!name) {
        writeOperator(element, null, null, services);
        return;
      }
      const chosen = catalogue.find((op) => op.name === name);
      const params = {};
      (chosen ? chosen.params : []).forEach((param) => {
        const kept = state && state.params[param.name];
        if (kept) {
          params[param.name] = { type: param.type, value: kept.value };
        } else if (param.required && param.default !== undefined && param.default !== null) {
          params[param.name] = { type: param.type, value: literalOf(param.default) };
        }
      });
      const resultVariable = (state && state.resultVariable) || `${name}_result`;
      writeOperator(element, { name, resultVariable, params }, chosen, services);
    },
  });
}

function ResultVariableEntry({ element, id, config }) {
  const services = useWriters();
  const debounce = useService('debounceInput');
  const { catalogue, texts } = config;
  const state = operatorState(getBusinessObject(element));
  return h(TextFieldEntry, {
    element, id, debounce,
    label: texts.resultVariable,
    description: texts.resultVariableHelp,
    getValue: () => (state && state.resultVariable) || '',
    validate: (value) => (value && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? texts.badVariable : null),
    setValue: (value, error) => {
      if (error || !state) {
        return;
      }
      const spec = catalogue.find((op) => op.name === state.name);
      writeOperator(element, { ...state, resultVariable: value || undefined }, spec, services);
    },
  });
}

function ParameterEntry({ element, id, param, config }) {
  const services = useWriters();
  const debounce = useService('debounceInput');
  const { catalogue, texts, lang } = config;
  const state = operatorState(getBusinessObject(element));
  const stored = state && state.params[param.name] ? state.params[param.name].value : undefined;
  const label = `${localized(param, 'label', lang) || param.name}${param.required ? ' *' : ''}`;
  const help = localized(param, 'help', lang);
  const write = (value) => {
    const spec = catalogue.find((op) => op.name === state.name);
    const params = { ...state.params };
    if (value === undefined) {
      delete params[param.name];
    } else {
      params[param.name] = { type: param.type, value };
    }
    writeOperator(element, { ...state, params }, spec, services);
  };
  if (param.type === 'bool') {
    return h(CheckboxEntry, {
      element, id, label, description: help,
      getValue: () => toInput('bool', stored !== undefined ? stored : literalOf(param.default)),
      setValue: (checked) => write(toStored('bool', checked)),
    });
  }
  const choices = param.choices || param.options;
  if (Array.isArray(choices) && choices.length) {
    return h(SelectEntry, {
      element, id, label, description: help,
      getValue: () => toInput(param.type, stored) || '',
      getOptions: () => [{ value: '', label: '—' }, ...choices.map((choice) => (
        typeof choice === 'object' ? { value: String(choice.value), label: localized(choice, 'label', lang) || String(choice.value) }
          : { value: String(choice), label: String(choice) }))],
      setValue: (value) => write(toStored(param.type, value)),
    });
  }
  const multiline = param.type === 'dict';
  const defaultShown = toInput(param.type, literalOf(param.default));
  const entry = {
    element, id, label, debounce,
    description: [help, param.type === 'list' ? texts.listHelp : ''].filter(Boolean).join(' '),
    placeholder: defaultShown === '' || defaultShown === undefined ? '' : String(defaultShown),
    getValue: () => toInput(param.type, stored),
    validate: (value) => inputError(param.type, value, texts),
    setValue: (value, error) => {
      if (!error) {
        write(toStored(param.type, value));
      }
    },
  };
  return multiline ? h(TextAreaEntry, { ...entry, rows: 3, monospace: param.type === 'dict' }) : h(TextFieldEntry, entry);
}

function PropertyTextEntry({ element, id, name, config, multiline, validate }) {
  const services = useWriters();
  const debounce = useService('debounceInput');
  const { texts } = config;
  const values = propertiesState(getBusinessObject(element));
  const entry = {
    element, id, debounce,
    label: texts[`prop_${name}`],
    description: texts[`prop_${name}_help`],
    getValue: () => values[name] || '',
    validate,
    setValue: (value, error) => {
      if (!error) {
        writeProperty(element, name, value, services);
      }
    },
  };
  return multiline ? h(TextAreaEntry, { ...entry, rows: 3 }) : h(TextFieldEntry, entry);
}

function PropertySelectEntry({ element, id, name, config, options }) {
  const services = useWriters();
  const { texts } = config;
  const values = propertiesState(getBusinessObject(element));
  return h(SelectEntry, {
    element, id,
    label: texts[`prop_${name}`],
    description: texts[`prop_${name}_help`],
    getValue: () => values[name] || '',
    getOptions: () => {
      const known = options.some((option) => option.value === (values[name] || ''));
      return known ? options : [...options, { value: values[name], label: values[name] }];
    },
    setValue: (value) => writeProperty(element, name, value, services),
  });
}

function ConditionEntry({ element, id, config }) {
  const { modeling, bpmnFactory } = useWriters();
  const debounce = useService('debounceInput');
  const bo = getBusinessObject(element);
  const condition = bo.get('conditionExpression');
  return h(TextAreaEntry, {
    element, id, debounce, rows: 2, monospace: true,
    label: config.texts.condition,
    description: config.texts.conditionHelp,
    getValue: () => (condition && condition.get('body')) || '',
    setValue: (value) => {
      const expression = value && value.trim()
        ? bpmnFactory.create('bpmn:FormalExpression', { body: value.trim() }) : undefined;
      modeling.updateProperties(element, { conditionExpression: expression });
    },
  });
}

function ScriptEntry({ element, id, config }) {
  const { modeling } = useWriters();
  const debounce = useService('debounceInput');
  const bo = getBusinessObject(element);
  return h(TextAreaEntry, {
    element, id, debounce, rows: 6, monospace: true,
    label: config.texts.script,
    description: config.texts.scriptHelp,
    getValue: () => bo.get('script') || '',
    setValue: (value) => modeling.updateProperties(element, { scriptFormat: 'python', script: value || undefined }),
  });
}

// --- the group ---------------------------------------------------------------------------------------------

function serviceTaskEntries(element, config) {
  const entries = [{ id: 'podbor-operator', element, config, component: OperatorEntry, isEdited: isSelectEntryEdited }];
  const state = operatorState(getBusinessObject(element));
  if (!state) {
    return entries;
  }
  entries.push({ id: 'podbor-result', element, config, component: ResultVariableEntry, isEdited: isTextFieldEntryEdited });
  const spec = config.catalogue.find((op) => op.name === state.name);
  (spec ? spec.params : []).forEach((param) => {
    const isEdited = param.type === 'bool' ? isCheckboxEntryEdited
      : (param.choices || param.options) ? isSelectEntryEdited : isTextFieldEntryEdited;
    entries.push({ id: `podbor-param-${param.name}`, element, config, param, component: ParameterEntry, isEdited });
  });
  return entries;
}

function userTaskEntries(element, config) {
  const { texts, taskKinds, assignees } = config;
  const withEmpty = (options) => [{ value: '', label: '—' }, ...options];
  return [
    { id: 'podbor-title', name: 'title', element, config, component: PropertyTextEntry, isEdited: isTextFieldEntryEdited },
    { id: 'podbor-kind', name: 'kind', element, config, options: withEmpty(taskKinds), component: PropertySelectEntry,
      isEdited: isSelectEntryEdited },
    { id: 'podbor-due_in', name: 'due_in', element, config, component: PropertyTextEntry, isEdited: isTextFieldEntryEdited,
      validate: (value) => (value && !DURATION.test(value.trim()) ? texts.badDuration : null) },
    { id: 'podbor-checklist', name: 'checklist', element, config, multiline: true, component: PropertyTextEntry,
      isEdited: isTextAreaEntryEdited },
    { id: 'podbor-assignee', name: 'assignee', element, config, options: withEmpty(assignees),
      component: PropertySelectEntry, isEdited: isSelectEntryEdited },
  ];
}

function podborGroup(element, config) {
  let entries = null;
  if (is(element, 'bpmn:ServiceTask')) {
    entries = serviceTaskEntries(element, config);
  } else if (is(element, 'bpmn:UserTask')) {
    entries = userTaskEntries(element, config);
  } else if (is(element, 'bpmn:ScriptTask')) {
    entries = [{ id: 'podbor-script', element, config, component: ScriptEntry, isEdited: isTextAreaEntryEdited }];
  } else if (is(element, 'bpmn:SequenceFlow') && element.source
    && (is(element.source, 'bpmn:ExclusiveGateway') || is(element.source, 'bpmn:InclusiveGateway'))) {
    entries = [{ id: 'podbor-condition', element, config, component: ConditionEntry, isEdited: isTextAreaEntryEdited }];
  }
  return entries && { id: 'podbor', label: 'Podbor', entries, component: Group };
}

export default function PodborPropertiesProvider(propertiesPanel, config) {
  this._config = config;
  propertiesPanel.registerProvider(500, this);
}

PodborPropertiesProvider.prototype.getGroups = function getGroups(element) {
  return (groups) => {
    const group = podborGroup(element, this._config);
    if (group) {
      groups.splice(Math.min(1, groups.length), 0, group); // right after "General", where people look first
    }
    return groups;
  };
};

PodborPropertiesProvider.$inject = ['propertiesPanel', 'config.podbor'];
