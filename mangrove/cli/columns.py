# -*- coding: utf-8 -*-
"""
Which columns a table of boto objects shows, per type of object.

An instance is shown with its ``Name`` tag, state, type, zone and
addresses; a volume with its size, state and attachment; a type with no
entry here with the first few of a list of generally telling attributes.
Everything else is in ``mangrove call --json``. A reservation (what
``get_all_instances`` returns) is shown as its instances, each naming it.
"""
from __future__ import absolute_import

import collections

from mangrove.cli.plaindata import is_secret, to_data

__all__ = ['Row', 'rows_of', 'columns_for']


def _tag(name):
    def tag(data):
        return (data.get('tags') or {}).get(name)
    return tag


def _gib(field):
    def gib(data):
        value = data.get(field)
        return None if value in (None, '') else '%s GiB' % value
    return gib


def _attachment(data):
    attached = data.get('attach_data') or {}
    if not attached.get('instance_id'):
        return None
    return ' '.join(attached[k] for k in ('instance_id', 'device', 'status')
                    if attached.get(k))


def _rules(data):
    rules = data.get('rules')
    return None if rules is None else '%d in, %d out' % (
        len(rules), len(data.get('rules_egress') or ()))


# Per boto class: (header, attribute name or function of the object's
# plain data). A header names the attribute where there is one, so that
# the full value is easy to find in --json.
_BY_TYPE = {
    'Instance': (('id', 'id'), ('Name', _tag('Name')), ('state', 'state'),
                 ('instance_type', 'instance_type'),
                 ('placement', 'placement'), ('ip_address', 'ip_address'),
                 ('private_ip_address', 'private_ip_address'),
                 ('launch_time', 'launch_time')),
    'Volume': (('id', 'id'), ('Name', _tag('Name')), ('size', _gib('size')),
               ('status', 'status'), ('attachment', _attachment),
               ('zone', 'zone'), ('type', 'type'),
               ('snapshot_id', 'snapshot_id')),
    'Snapshot': (('id', 'id'), ('Name', _tag('Name')),
                 ('volume_id', 'volume_id'),
                 ('volume_size', _gib('volume_size')), ('status', 'status'),
                 ('progress', 'progress'), ('start_time', 'start_time')),
    'Image': (('id', 'id'), ('name', 'name'), ('state', 'state'),
              ('owner', lambda d: d.get('owner_alias') or d.get('owner_id')),
              ('creation_date', 'creation_date'),
              ('description', 'description')),
    'SecurityGroup': (('id', 'id'), ('name', 'name'), ('vpc_id', 'vpc_id'),
                      ('rules', _rules), ('description', 'description')),
    'KeyPair': (('name', 'name'), ('fingerprint', 'fingerprint')),
    'Address': (('public_ip', 'public_ip'),
                ('allocation_id', 'allocation_id'),
                ('instance_id', 'instance_id'), ('domain', 'domain')),
    'Vpc': (('id', 'id'), ('Name', _tag('Name')), ('cidr_block', 'cidr_block'),
            ('state', 'state'), ('is_default', 'is_default')),
    'Subnet': (('id', 'id'), ('Name', _tag('Name')), ('vpc_id', 'vpc_id'),
               ('cidr_block', 'cidr_block'),
               ('availability_zone', 'availability_zone'),
               ('state', 'state')),
    'Zone': (('name', 'name'), ('state', 'state'),
             ('region_name', 'region_name')),
    'RegionInfo': (('name', 'name'), ('endpoint', 'endpoint')),
    'Queue': (('name', 'name'), ('url', 'url')),
    'Bucket': (('name', 'name'), ('creation_date', 'creation_date')),
}

# For other types: attributes worth a column, in this order.
_PREFERRED = ('id', 'name', 'state', 'status', 'instance_type', 'placement',
              'ip_address', 'private_ip_address', 'image_id', 'vpc_id',
              'description', 'owner_id', 'endpoint', 'url', 'arn',
              'creation_date', 'launch_time', 'create_time')
_MAX_COLUMNS = 5


class Row(object):
    """One object of a table.

    :ivar data: the object as plain data.
    :ivar kind: its boto class name.
    :ivar values: column header -> value, for the columns of its type.
    :ivar label: what names the object (its id or name).
    """

    def __init__(self, data, kind, extra=()):
        self.data, self.kind = data, kind
        self.values = collections.OrderedDict()
        for header, source in _BY_TYPE.get(kind, ()):
            self.values[header] = (source(data) if callable(source)
                                   else data.get(source))
        self.values.update(extra)
        self.label = next((str(data[k]) for k in ('id', 'name', 'public_ip')
                           if data.get(k) not in (None, '')), kind)

    def get(self, header):
        if header in self.values:
            return self.values[header]
        if header == 'Name':
            return _tag('Name')(self.data)
        return self.data.get(header)


def rows_of(objects):
    """The rows showing ``objects``, boto objects of one or more types;
    reservations become their instances.

    :rtype: list of Row
    """
    rows = []
    for item in objects:
        kind = type(item).__name__
        if kind == 'Reservation' and getattr(item, 'instances', None):
            for instance in item.instances:
                rows.append(Row(to_data(instance), type(instance).__name__,
                                [('reservation', item.id)]))
        else:
            rows.append(Row(to_data(item), kind))
    return rows


def _shown(value):
    return value not in (None, '', [], {})


def columns_for(rows):
    """The headers of the columns worth showing for ``rows``: their type's
    columns when they share a known type, else a few telling attributes;
    never a column no row has a value in, nor a secret.

    :rtype: list of str
    """
    kinds = set(row.kind for row in rows)
    if len(kinds) == 1 and kinds.pop() in _BY_TYPE:
        headers = list(rows[0].values)
    else:
        present = set()
        for row in rows:
            present.update(k for k, v in row.data.items() if _shown(v))
        present.discard('region')
        headers = [c for c in _PREFERRED if c in present][:_MAX_COLUMNS]
        if any(_shown(row.get('Name')) for row in rows):
            headers.insert(min(1, len(headers)), 'Name')
        if len(headers) < 2:
            scalar = sorted(k for k in present if k not in headers and all(
                not isinstance(row.data.get(k), (dict, list))
                for row in rows))
            headers.extend(scalar[:_MAX_COLUMNS - len(headers)])
    return [h for h in headers if not is_secret(h) and any(
        _shown(row.get(h)) for row in rows)]
